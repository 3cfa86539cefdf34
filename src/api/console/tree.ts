// GET /ui/api/tree?prefix=p: the children of p, split at the next '/', with the number of keys
// under each. A keys-only, serializable scan in pages of PAGE keys, all at the first page's
// revision, stopping after MAX_KEYS keys (then `truncated`).
import { ALL_KEYS_END, prefixEnd } from '../../client/key-range.js';
import * as rpc from '../../gen/etcdserverpb.js';
import type { Result } from '../../mvcc/types.js';
import type { EtcdError } from '../errors.js';
import type { MemberCalls } from './member-calls.js';
import type { TreeChild, Tree } from './api-types.js';
export type { TreeChild, Tree } from './api-types.js';

const PAGE = 1000;
const MAX_KEYS = 10_000;
const SLASH = 0x2f;

export async function tree(calls: MemberCalls, token: string | undefined, prefix: string): Promise<Result<Tree, EtcdError>> {
  const p = Buffer.from(prefix, 'utf8');
  const end = p.length === 0 ? ALL_KEYS_END : prefixEnd(p);
  const children = new Map<string, TreeChild>();
  let from = p.length === 0 ? Buffer.from([0]) : p;
  let revision = 0;
  let seen = 0;
  for (;;) {
    const limit = Math.min(PAGE, MAX_KEYS - seen + 1);
    const r = await calls.call(rpc.KVService.Range, { key: from, range_end: end, limit, keys_only: true, serializable: true, revision }, token);
    if (!r.ok) return r;
    if (revision === 0) revision = r.value.header?.revision ?? 0;
    let kvs = r.value.kvs;
    const truncated = seen + kvs.length > MAX_KEYS;
    if (truncated) kvs = kvs.slice(0, MAX_KEYS - seen);
    for (const kv of kvs) add(children, p, prefix, kv.key);
    seen += kvs.length;
    if (truncated) return { ok: true, value: { prefix, revision, children: [...children.values()], truncated: true } };
    const last = kvs[kvs.length - 1];
    if (!r.value.more || last === undefined) break;
    from = Buffer.concat([last.key, Buffer.from([0])]);
  }
  return { ok: true, value: { prefix, revision, children: [...children.values()], truncated: false } };
}

/** Counts `key` under its child of `p` (the key equal to p itself is no child). */
function add(children: Map<string, TreeChild>, p: Buffer, prefix: string, key: Buffer): void {
  const rest = key.subarray(p.length);
  if (rest.length === 0) return;
  const slash = rest.indexOf(SLASH);
  const nameBytes = slash < 0 ? rest : rest.subarray(0, slash + 1);
  const name = nameBytes.toString('utf8');
  let c = children.get(name);
  if (c === undefined) {
    c = { name, prefix: prefix + name, count: 0, isKey: false };
    children.set(name, c);
  }
  c.count++;
  if (nameBytes.length === rest.length) c.isKey = true;
}
