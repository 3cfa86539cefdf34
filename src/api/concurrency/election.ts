import * as rpc from '../../gen/etcdserverpb.js';
import type * as mvccpb from '../../gen/mvccpb.js';
import { ERR } from '../errors.js';
import type { Reply } from '../handler.js';
import type { SessionClient } from './session-client.js';
import { prefixOf, sessionKey } from './session.js';
import { byCreate, waitDeletes } from './wait-deletes.js';

// etcd's concurrency.Election, as its election server runs it: a campaigner's key is
// name/<lease hex>; the oldest key under name/ is the leader and its value the proclamation.

/** Leadership as v3electionpb.LeaderKey holds it. */
export interface Leadership {
  name: Buffer;
  key: Buffer;
  /** The key's create revision. */
  rev: number;
  lease: bigint;
}

type Header = rpc.ResponseHeaderInit | undefined;

function isCreatedAt(key: Buffer, rev: number): rpc.CompareInit {
  return { key, target: rpc.Compare_CompareTarget.CREATE, result: rpc.Compare_CompareResult.EQUAL, create_revision: rev };
}

/** Election.Proclaim: a new value, if the key is still the one leadership was won with. */
export async function proclaim(c: SessionClient, l: Leadership, value: Buffer): Promise<Reply<Header>> {
  const r = await c.txn({
    compare: [isCreatedAt(l.key, l.rev)],
    success: [{ request_put: { key: l.key, value, lease: l.lease } }],
  });
  if (!r.ok) return r;
  if (r.value.succeeded !== true) return { ok: false, error: ERR.electionNotLeader };
  return { ok: true, value: r.value.header };
}

/** Election.Resign: delete the key if it is still the one leadership was won with. */
export async function resign(c: SessionClient, l: Leadership): Promise<Reply<Header>> {
  const r = await c.txn({ compare: [isCreatedAt(l.key, l.rev)], success: [{ request_delete_range: { key: l.key } }] });
  return r.ok ? { ok: true, value: r.value.header } : r;
}

/**
 * Election.Campaign: enter the election with `value` (or take over this lease's earlier entry)
 * and wait until every earlier campaigner is gone. The header is that of the entering write.
 */
export async function campaign(
  c: SessionClient,
  name: Buffer,
  lease: bigint,
  value: Buffer,
  signal: AbortSignal,
): Promise<Reply<{ header: Header; leader: Leadership }>> {
  const pfx = prefixOf(name);
  const key = sessionKey(pfx, lease);
  const r = await c.txn({
    compare: [isCreatedAt(key, 0)],
    success: [{ request_put: { key, value, lease } }],
    failure: [{ request_range: { key } }],
  });
  if (!r.ok) return r;
  const leader: Leadership = { name, key, rev: r.value.header?.revision ?? 0, lease };
  if (r.value.succeeded !== true) {
    const kv = r.value.responses?.[0]?.response_range?.kvs?.[0];
    leader.rev = kv?.create_revision ?? 0;
    if (!Buffer.from(kv?.value ?? Buffer.alloc(0)).equals(value)) {
      const p = await proclaim(c, leader, value);
      if (!p.ok) {
        await resign(c, leader);
        return p;
      }
    }
  }
  const w = await waitDeletes(c, pfx, leader.rev - 1, signal);
  if (!w.ok) {
    if (signal.aborted) await resign(c, leader);
    return w;
  }
  return { ok: true, value: { header: r.value.header, leader } };
}

/** Election.Leader: the oldest campaigner's key and value. */
export async function leader(c: SessionClient, name: Buffer): Promise<Reply<{ header: Header; kv: mvccpb.KeyValueInit }>> {
  const r = await c.range(byCreate(prefixOf(name), rpc.RangeRequest_SortOrder.ASCEND));
  if (!r.ok) return r;
  const kv = r.value.kvs?.[0];
  if (kv === undefined) return { ok: false, error: ERR.electionNoLeader };
  return { ok: true, value: { header: r.value.header, kv } };
}
