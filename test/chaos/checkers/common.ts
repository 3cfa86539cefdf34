// Shared result type and formatting helpers for the checkers.
import type { KvOp, Rev } from '../history.js';

/** 'unknown': the checker gave up (search budget); never to be read as valid. */
export type Validity = boolean | 'unknown';

export interface CheckResult<S, V extends Validity = boolean> {
  valid: V;
  /** Human-readable, specific: which ops, keys and revisions. */
  errors: string[];
  /** Oddities that do not by themselves make the history invalid. */
  warnings: string[];
  stats: S;
}

/** Keeps reports readable when a broken run produces thousands of violations. */
export const MAX_ERRORS = 50;

export class ErrorList {
  readonly list: string[] = [];
  private dropped = 0;
  constructor(private readonly max = MAX_ERRORS) {}
  add(msg: string): void {
    if (this.list.length < this.max) this.list.push(msg);
    else this.dropped++;
  }
  get count(): number {
    return this.list.length + this.dropped;
  }
  done(): string[] {
    return this.dropped > 0 ? [...this.list, `... and ${this.dropped} more`] : this.list;
  }
}

/**
 * A revision string as a number, or undefined when absent, malformed or 0:
 * no response carries revision 0, so it marks a missing header. (Revisions
 * stay far below 2^53 in any test.)
 */
export function revOf(r: Rev | undefined): number | undefined {
  if (r === undefined || !/^\d+$/.test(r)) return undefined;
  const n = Number(r);
  return n > 0 && Number.isSafeInteger(n) ? n : undefined;
}

export function q(v: string | null | undefined): string {
  if (v === null || v === undefined) return '(absent)';
  const s = v.length > 40 ? `${v.slice(0, 37)}...` : v;
  return JSON.stringify(s);
}

export function ms(t: number): string {
  return Number.isFinite(t) ? `${Math.round(t * 10) / 10}ms` : '∞';
}

/** "#12 p3 read "v5" (mod_rev 40, rev 44) [10.2ms–11.8ms]" */
export function describeOp(op: KvOp, pos?: number): string {
  const id = `#${op.index ?? pos ?? '?'} p${op.process}`;
  const r = (x: Rev | undefined, label = 'rev'): string => (x === undefined ? '' : `${label} ${x}`);
  const paren = (...parts: string[]): string => {
    const p = parts.filter((s) => s !== '');
    return p.length ? ` (${p.join(', ')})` : '';
  };
  let what: string;
  switch (op.type) {
    case 'read':
      what = `read ${op.outcome === 'ok' ? q(op.value) : '?'}${paren(r(op.modRevision, 'mod_rev'), r(op.revision))}`;
      break;
    case 'write':
      what = `write ${q(op.value)}${paren(r(op.revision))}`;
      break;
    case 'cas': {
      const cmp = op.compare === 'mod_revision' ? `mod_rev ${op.expectedModRevision ?? '?'}` : q(op.expected);
      const res = op.outcome === 'ok' && op.succeeded === false ? 'not succeeded' : '';
      what = `cas ${cmp} -> ${q(op.value)}${paren(res, r(op.revision))}`;
      break;
    }
    case 'delete':
      what = `delete${paren(op.deleted === undefined ? '' : `deleted ${op.deleted}`, r(op.revision))}`;
      break;
  }
  const outcome = op.outcome === 'ok' ? '' : ` [${op.outcome}${op.error ? `: ${op.error}` : ''}]`;
  return `${id} ${what}${outcome} @${ms(op.invokeMs)}–${op.outcome === 'info' ? '?' : ms(op.completeMs)}`;
}

// etcd orders keys as bytes; JS string order differs outside the BMP/ASCII.
export function cmpKey(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Whether key is in the watched range (key alone, [key, rangeEnd) with "\0" = to the end, or prefix). */
export function inRange(key: string, r: { key: string; rangeEnd?: string; prefix?: boolean }): boolean {
  if (r.prefix) return Buffer.from(key).subarray(0, Buffer.byteLength(r.key)).equals(Buffer.from(r.key));
  if (r.rangeEnd === undefined || r.rangeEnd === '') return key === r.key;
  if (cmpKey(key, r.key) < 0) return false;
  return r.rangeEnd === '\0' || cmpKey(key, r.rangeEnd) < 0;
}
