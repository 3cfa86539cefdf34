import * as rpc from '../gen/etcdserverpb.js';
import { ERR, type EtcdError } from './errors.js';

// The request checks etcd makes before a request reaches the server, in etcd's order.

export function checkRange(r: rpc.RangeRequest): EtcdError | undefined {
  if (r.key.length === 0) return ERR.emptyKey;
  if (!(r.sort_order in rpc.RangeRequest_SortOrder)) return ERR.invalidSortOption;
  if (!(r.sort_target in rpc.RangeRequest_SortTarget)) return ERR.invalidSortOption;
  return undefined;
}

export function checkPut(r: rpc.PutRequest): EtcdError | undefined {
  if (r.key.length === 0) return ERR.emptyKey;
  if (r.ignore_value && r.value.length !== 0) return ERR.valueProvided;
  if (r.ignore_lease && r.lease !== 0n) return ERR.leaseProvided;
  return undefined;
}

export function checkDeleteRange(r: rpc.DeleteRangeRequest): EtcdError | undefined {
  return r.key.length === 0 ? ERR.emptyKey : undefined;
}

function checkRequestOp(op: rpc.RequestOp, maxTxnOps: number): EtcdError | undefined {
  if (op.request_range !== undefined) return checkRange(op.request_range);
  if (op.request_put !== undefined) return checkPut(op.request_put);
  if (op.request_delete_range !== undefined) return checkDeleteRange(op.request_delete_range);
  if (op.request_txn !== undefined) return checkTxnOps(op.request_txn, maxTxnOps);
  return ERR.keyNotFound; // an empty op
}

/** Every op of the txn and of its nested txns; a nested txn gets what its parent leaves of the limit. */
function checkTxnOps(r: rpc.TxnRequest, maxTxnOps: number): EtcdError | undefined {
  const ops = Math.max(r.compare.length, r.success.length, r.failure.length);
  if (ops > maxTxnOps) return ERR.tooManyOps;
  if (r.compare.some((c) => c.key.length === 0)) return ERR.emptyKey;
  for (const op of [...r.success, ...r.failure]) {
    const err = checkRequestOp(op, maxTxnOps - ops);
    if (err !== undefined) return err;
  }
  return undefined;
}

/** etcd checks every op (nested ones too) first, then the whole request's put/delete overlaps. */
export function checkTxn(r: rpc.TxnRequest, maxTxnOps: number): EtcdError | undefined {
  return checkTxnOps(r, maxTxnOps) ?? checkIntervals(r.success).error ?? checkIntervals(r.failure).error;
}

/**
 * A deleted range; `end` undefined means a single key. A range end of "\0" is taken literally, as
 * etcd 3.4's interval tree takes it: [start, "\0") holds no key, so a branch that deletes "every
 * key from start" may still put one of them (etcd accepts that txn, and so must we).
 */
interface Interval {
  start: Buffer;
  end: Buffer | undefined;
}

function inInterval(key: Buffer, iv: Interval): boolean {
  if (iv.end === undefined) return key.equals(iv.start);
  return Buffer.compare(key, iv.start) >= 0 && Buffer.compare(key, iv.end) < 0;
}

interface Writes {
  puts: Set<string>;
  dels: Interval[];
  error?: EtcdError;
}

/**
 * A txn branch may not put one key twice, nor put a key that the same branch deletes; puts in
 * the two branches of a nested txn may repeat each other, since only one branch runs.
 */
function checkIntervals(ops: readonly rpc.RequestOp[]): Writes {
  const dels: Interval[] = [];
  for (const op of ops) {
    const d = op.request_delete_range;
    if (d === undefined) continue;
    dels.push({ start: d.key, end: d.range_end.length === 0 ? undefined : d.range_end });
  }
  const deleted = (k: string): boolean => dels.some((iv) => inInterval(Buffer.from(k, 'latin1'), iv));
  const puts = new Set<string>();
  const dup = { puts, dels, error: ERR.duplicateKey };
  for (const op of ops) {
    const t = op.request_txn;
    if (t === undefined) continue;
    const then = checkIntervals(t.success);
    if (then.error !== undefined) return then;
    const other = checkIntervals(t.failure);
    if (other.error !== undefined) return other;
    for (const k of then.puts) {
      if (puts.has(k) || deleted(k)) return dup;
      puts.add(k);
    }
    for (const k of other.puts) {
      if ((puts.has(k) && !then.puts.has(k)) || deleted(k)) return dup;
      puts.add(k);
    }
    dels.push(...then.dels, ...other.dels);
  }
  for (const op of ops) {
    const p = op.request_put;
    if (p === undefined) continue;
    const k = p.key.toString('latin1');
    if (puts.has(k) || deleted(k)) return dup;
    puts.add(k);
  }
  return { puts, dels };
}
