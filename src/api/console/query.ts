// The console API's query parameters: plain (URL-decoded) strings, bounded, one of each.
import type { Result } from '../../mvcc/types.js';

/** Longer than any key etcd takes in a request (--max-request-bytes is 1.5 MiB, keys far less in practice). */
const MAX_PARAM_BYTES = 8192;

/** The parameter `name`: required or not, at most MAX_PARAM_BYTES, given at most once. */
export function stringParam(url: URL, name: string, required: boolean): Result<string, string> {
  const all = url.searchParams.getAll(name);
  if (all.length > 1) return { ok: false, error: `parameter ${name} given more than once` };
  const v = all[0];
  if (v === undefined) return required ? { ok: false, error: `parameter ${name} is required` } : { ok: true, value: '' };
  if (Buffer.byteLength(v) > MAX_PARAM_BYTES) return { ok: false, error: `parameter ${name} is too long` };
  return { ok: true, value: v };
}
