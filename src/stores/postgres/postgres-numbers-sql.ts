import { schemaNames } from './postgres-names.js';

// Binary64 rounding limits, exact: at or above HUGE a decimal rounds to Infinity; at or below
// TINY (half the least subnormal, 2^-1075, written as its reciprocal) it rounds to zero.
const HUGE = (2n ** 1024n - 2n ** 970n).toString();
const TINY_RECIPROCAL = (2n ** 1075n).toString();
// JavaScript's StrWhiteSpaceChar (WhiteSpace and LineTerminator), in PostgreSQL regex escapes.
const JS_SPACE = String.raw`[\t\n\v\f\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]`;

/** A regex as an E'' literal: the same text whatever `standard_conforming_strings` says. */
const regex = (text: string) => `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * `<table>_num2(text)`: JavaScript's `Number(text)` (NULL for NaN) for any text: trimmed of JS
 * white space, empty is 0, decimal literals with a sign, fraction, exponent or `Infinity`, and
 * `0x`/`0o`/`0b` integers, each rounded to the nearest binary64 as JavaScript rounds it.
 */
function numberSql(table: string): string {
  const n = schemaNames(table);
  return `CREATE OR REPLACE FUNCTION ${n.num2}(s text) RETURNS float8 LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE
  t text := regexp_replace(s, ${regex(`^${JS_SPACE}+|${JS_SPACE}+$`)}, '', 'g');
  m text[];
  digits text;
  magnitude bigint;
  v numeric := 0;
  base int;
  digit int;
  c text;
BEGIN
  IF t = '' THEN RETURN 0; END IF;
  m := regexp_match(t, '^0([xXoObB])([0-9a-fA-F]+)$');
  IF m IS NOT NULL THEN
    base := CASE lower(m[1]) WHEN 'x' THEN 16 WHEN 'o' THEN 8 ELSE 2 END;
    FOREACH c IN ARRAY regexp_split_to_array(lower(m[2]), '') LOOP
      digit := strpos('0123456789abcdef', c) - 1;
      IF digit >= base THEN RETURN NULL; END IF;
      v := v * base + digit;
    END LOOP;
  ELSE
    m := regexp_match(t, '^([+-]?)(?:(Infinity)|([0-9]*)([.][0-9]*)?(?:[eE]([+-]?[0-9]+))?)$');
    IF m IS NULL THEN RETURN NULL; END IF;
    IF m[2] IS NOT NULL THEN RETURN CASE m[1] WHEN '-' THEN '-Infinity'::float8 ELSE 'Infinity'::float8 END; END IF;
    digits := m[3] || substr(coalesce(m[4], '.'), 2);
    IF digits = '' THEN RETURN NULL; END IF;
    -- value = 0.<digits without leading zeros> x 10^magnitude
    magnitude := length(m[3]) - (length(digits) - length(ltrim(digits, '0')));
    digits := rtrim(ltrim(digits, '0'), '0');
    IF digits = '' THEN v := 0;
    ELSIF length(ltrim(coalesce(m[5], '0'), '+-0')) > 6 THEN
      v := CASE WHEN m[5] LIKE '-%' THEN 0 ELSE ${HUGE} END;
    ELSE
      magnitude := magnitude + coalesce(m[5], '0')::bigint;
      IF magnitude > 400 THEN v := ${HUGE};
      ELSIF magnitude < -400 THEN v := 0;
      ELSE
        -- 800 significant digits and a sticky 1 decide every rounding as the full text would.
        IF length(digits) > 800 THEN digits := left(digits, 800) || '1'; END IF;
        v := ('0.' || digits || 'e' || magnitude)::numeric;
      END IF;
    END IF;
    IF m[1] = '-' THEN
      RETURN -(CASE WHEN v >= ${HUGE} THEN 'Infinity'::float8 WHEN v * ${TINY_RECIPROCAL} <= 1 THEN 0 ELSE v::float8 END);
    END IF;
  END IF;
  RETURN CASE WHEN v >= ${HUGE} THEN 'Infinity'::float8 WHEN v * ${TINY_RECIPROCAL} <= 1 THEN 0 ELSE v::float8 END;
END
$fn$;`;
}

/**
 * `<table>_str2(float8)`: JavaScript's `String(number)` (NULL is NaN): the shortest digits that read
 * back as the number, laid out as ECMAScript's Number::toString lays them out.
 */
function textSql(table: string): string {
  const n = schemaNames(table);
  return `CREATE OR REPLACE FUNCTION ${n.str2}(x float8) RETURNS text LANGUAGE plpgsql IMMUTABLE
SET extra_float_digits = 1 AS $fn$
DECLARE
  m text[];
  digits text;
  point int;
  k int;
  body text;
  down numeric;
  up numeric;
  down_reads boolean;
  up_reads boolean;
BEGIN
  IF x IS NULL OR x = 'NaN'::float8 THEN RETURN 'NaN'; END IF;
  IF x = 0 THEN RETURN '0'; END IF;
  IF x = 'Infinity'::float8 THEN RETURN 'Infinity'; END IF;
  IF x = '-Infinity'::float8 THEN RETURN '-Infinity'; END IF;
  m := regexp_match(abs(x)::text, '^([0-9]+)(?:[.]([0-9]+))?(?:e([+-][0-9]+))?$');
  digits := m[1] || coalesce(m[2], '');
  -- value = 0.<digits> x 10^point, digits without leading or trailing zeros (ECMAScript's s, k, n)
  point := length(m[1]) + coalesce(m[3]::int, 0) - (length(digits) - length(ltrim(digits, '0')));
  digits := rtrim(ltrim(digits, '0'), '0');
  k := length(digits);
  -- PostgreSQL's shortest digits stay inside the rounding interval; ECMAScript's may sit on its edge
  -- (a halfway number that reads back as x): drop a digit while that still reads as x, taking the
  -- nearer of the two candidates (the even one on a tie).
  LOOP
    EXIT WHEN k < 2;
    down := left(digits, k - 1)::numeric;
    up := down + 1;
    -- Read with _num2: a candidate past the largest or the least number is Infinity or 0, not an error.
    down_reads := ${n.num2}(down::text || 'e' || (point - k + 1)) = abs(x);
    up_reads := ${n.num2}(up::text || 'e' || (point - k + 1)) = abs(x);
    EXIT WHEN NOT (down_reads OR up_reads);
    IF down_reads AND (NOT up_reads OR digits::numeric / 10 - down < up - digits::numeric / 10
        OR (digits::numeric / 10 - down = up - digits::numeric / 10 AND down % 2 = 0)) THEN
      digits := down::text;
    ELSE
      digits := up::text;
      IF length(digits) >= k THEN point := point + 1; END IF;
    END IF;
    digits := rtrim(digits, '0');
    k := length(digits);
  END LOOP;
  IF k <= point AND point <= 21 THEN body := digits || repeat('0', point - k);
  ELSIF 0 < point AND point <= 21 THEN body := left(digits, point) || '.' || substr(digits, point + 1);
  ELSIF -6 < point AND point <= 0 THEN body := '0.' || repeat('0', -point) || digits;
  ELSE
    body := left(digits, 1) || CASE WHEN k > 1 THEN '.' || substr(digits, 2) ELSE '' END || 'e'
      || CASE WHEN point - 1 >= 0 THEN '+' ELSE '-' END || abs(point - 1);
  END IF;
  RETURN CASE WHEN x < 0 THEN '-' || body ELSE body END;
END
$fn$;`;
}

/**
 * The numeric helpers of the commit function. Fields are text and the reference semantics read
 * them with JavaScript's `Number()` and write them with `String()`, so PostgreSQL does the same:
 * `<table>_num(text)` and `<table>_str(float8)` are SQL functions that PostgreSQL inlines, with a
 * fast path for the whole numbers factorkit writes and the complete rules (`_num2`, `_str2`) for any
 * other text, so a damaged field reads as the reference reads it.
 */
export function numbersSql(table: string): string {
  const n = schemaNames(table);
  return [
    numberSql(table),
    textSql(table),
    `CREATE OR REPLACE FUNCTION ${n.num}(s text) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$fn$ SELECT CASE WHEN s ~ '^[0-9]{1,15}$' THEN s::float8 ELSE ${n.num2}(s) END $fn$;`,
    `CREATE OR REPLACE FUNCTION ${n.str}(x float8) RETURNS text LANGUAGE sql IMMUTABLE AS
$fn$ SELECT CASE WHEN x = trunc(x) AND abs(x) < 9007199254740992 THEN x::int8::text ELSE ${n.str2}(x) END $fn$;`,
  ].join('\n');
}
