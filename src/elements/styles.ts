/**
 * The elements' styles, in their shadow roots only (no global CSS). A host themes them with
 * custom properties (`--factorkit-accent`, ...) and `::part(...)`; light and dark follow the
 * page's `color-scheme` (`color-scheme: dark` on the element forces dark).
 */
const CSS = `
:host{display:block;color-scheme:light dark;font:var(--factorkit-font,inherit);
--fk-fg:var(--factorkit-color,light-dark(#1b1f24,#e6e8eb));--fk-bg:var(--factorkit-background,light-dark(#fff,#16191d));
--fk-muted:var(--factorkit-muted,light-dark(#57606a,#a3acb6));--fk-accent:var(--factorkit-accent,light-dark(#0b5cad,#6cb6ff));
--fk-on-accent:var(--factorkit-on-accent,light-dark(#fff,#0b1320));--fk-danger:var(--factorkit-danger,light-dark(#b42318,#ff938a));
max-width:var(--factorkit-width,44rem);--fk-border:var(--factorkit-border,light-dark(#d0d7de,#3d444d));--fk-radius:var(--factorkit-radius,8px);color:var(--fk-fg)}
:host([hidden]){display:none}
*{box-sizing:border-box}
.card,dialog{background:var(--fk-bg);color:var(--fk-fg);border:1px solid var(--fk-border);border-radius:var(--fk-radius);padding:1.25rem}
.card{margin:0 0 1rem}
dialog{width:min(34rem,calc(100vw - 2rem))}
section section{border-top:1px solid var(--fk-border);margin-top:.75rem;padding-top:.75rem}
dialog::backdrop{background:rgb(0 0 0/.45)}
h2{font-size:1.25rem;margin:0 0 .75rem}h3{font-size:1rem;margin:0}
p{margin:.5rem 0}
.muted{color:var(--fk-muted)}
label{display:block;margin:.75rem 0}
label.inline{display:flex;gap:.5rem;align-items:center}
input[type=text],input[type=email],input:not([type]){display:block;width:100%;margin-top:.25rem;padding:.5rem .625rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--fk-border);border-radius:calc(var(--fk-radius)/2)}
button{font:inherit;cursor:pointer;padding:.5rem .875rem;border-radius:calc(var(--fk-radius)/2);border:1px solid var(--fk-accent);background:var(--fk-accent);color:var(--fk-on-accent)}
button.secondary{background:transparent;color:var(--fk-accent)}
button:disabled{opacity:.55;cursor:not-allowed}
:focus-visible{outline:3px solid var(--fk-accent);outline-offset:2px}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-top:.75rem}
.method{display:flex;justify-content:space-between;align-items:flex-start;gap:1rem;padding:.75rem 0;border-top:1px solid var(--fk-border)}
.method:first-of-type{border-top:0}
ul,ol{margin:.5rem 0;padding-left:1.25rem}
li{margin:.25rem 0}
.codes{display:grid;grid-template-rows:repeat(5,auto);grid-auto-flow:column;justify-content:start;column-gap:1.5em;list-style:none;padding-left:0;counter-reset:code;font-family:ui-monospace,monospace;font-size:1.05rem}
.codes li{counter-increment:code;white-space:nowrap}
.codes li::before{content:counter(code) ".";display:inline-block;min-width:1.6em;margin-right:.3em;text-align:right}
code,.secret{font-family:ui-monospace,monospace;font-size:1.1rem;letter-spacing:.05em}
.qr{display:block;width:12rem;height:12rem;background:#fff;padding:.5rem;border-radius:4px}
.message:empty{display:none}
.message{padding:.5rem .75rem;border-radius:calc(var(--fk-radius)/2);border:1px solid currentColor}
.message.error{color:var(--fk-danger)}
.tag{font-size:.8em;border:1px solid var(--fk-border);border-radius:999px;padding:0 .4rem}
`;

let sheet: CSSStyleSheet | undefined;

/** One constructed style sheet, shared by every element's shadow root. */
export function styleSheet(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}
