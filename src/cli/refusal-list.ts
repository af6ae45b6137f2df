import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { count } from './progress.js';

/** Refusals and skips said on the terminal and in the report; the rest only in the list's file. */
export const REFUSALS_SHOWN = 20;

/**
 * The refusals and skips of a run, one line each (`line 3 (user u2): refused: totp.secret: ...`,
 * never a value): the first {@link REFUSALS_SHOWN} kept for the report, and, once there are more,
 * every one written to `path` as it comes (memory stays flat with a million refusals). A run starts
 * the list afresh: a resume decides earlier refusals again, so the last run's list is the whole one.
 */
export class RefusalList {
  private readonly shown: string[] = [];
  private fd: number | null = null;
  count = 0;

  constructor(readonly path: string) {
    rmSync(path, { force: true });
  }

  /** Adds a line; whether it is among those shown (the caller says it as it happens). */
  add(line: string): boolean {
    this.count++;
    if (this.count <= REFUSALS_SHOWN) {
      this.shown.push(line);
      return true;
    }
    if (this.fd === null) {
      this.fd = openSync(this.path, 'w', 0o600);
      writeSync(this.fd, this.shown.map((shown) => `${shown}\n`).join(''));
    }
    writeSync(this.fd, `${line}\n`);
    return false;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** The report's list: the lines shown, and how many more are in the file (empty without any). */
  report(): string {
    if (this.count === 0) return '';
    const more = this.count - this.shown.length;
    const rest = more > 0 ? [`  and ${count(more)} more: all ${count(this.count)} in ${this.path}`] : [];
    return ['', 'refused and skipped:', ...this.shown.map((line) => `  ${line}`), ...rest, ''].join('\n');
  }
}
