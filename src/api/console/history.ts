// GET /ui/api/history?key=k: the key's versions, newest first, back to the compaction point (at
// most MAX_VERSIONS). Built from serializable Range calls at past revisions, never a scan:
// within one lifetime each version's predecessor is at mod_revision - 1; a gap (the key deleted,
// then created again, or deleted now) is found by galloping back and bisecting on whether the key
// exists; the compaction point by bisecting on whether a revision can still be read. Every call is
// counted against MAX_CALLS, so one request costs the member a bounded number of point reads.
import * as grpc from '@grpc/grpc-js';
import type * as mvccpb from '../../gen/mvccpb.js';
import * as rpc from '../../gen/etcdserverpb.js';
import type { Result } from '../../mvcc/types.js';
import { ERR, type EtcdError } from '../errors.js';
import type { MemberCalls } from './member-calls.js';
import type { KeyVersion, KeyHistory } from './api-types.js';
export type { KeyVersion, KeyHistory } from './api-types.js';

const MAX_VERSIONS = 100;
const MAX_CALLS = 600;

/** The key at a revision: its kv, undefined when absent, 'compacted' when the revision is gone. */
type At = mvccpb.KeyValue | undefined | 'compacted';

class Reader {
  private calls = 0;
  constructor(
    private readonly member: MemberCalls,
    private readonly token: string | undefined,
    private readonly key: Buffer,
  ) {}

  async at(revision: number): Promise<Result<{ kv: At; revision: number }, EtcdError>> {
    if (++this.calls > MAX_CALLS) return { ok: false, error: { code: grpc.status.RESOURCE_EXHAUSTED, message: 'history: too many reads for one request' } };
    const r = await this.member.call(rpc.KVService.Range, { key: this.key, serializable: true, revision }, this.token);
    if (!r.ok) {
      if (r.error.code === ERR.compacted.code && r.error.message === ERR.compacted.message) return { ok: true, value: { kv: 'compacted', revision } };
      return r;
    }
    return { ok: true, value: { kv: r.value.kvs[0], revision: r.value.header?.revision ?? revision } };
  }
}

const versionOf = (kv: mvccpb.KeyValue): KeyVersion => ({
  modRevision: kv.mod_revision,
  createRevision: kv.create_revision,
  version: kv.version,
  lease: kv.lease.toString(16),
  value: kv.value.toString('base64'),
  deleted: false,
});

export async function history(member: MemberCalls, token: string | undefined, key: string): Promise<Result<KeyHistory, EtcdError>> {
  const read = new Reader(member, token, Buffer.from(key, 'utf8'));
  const now = await read.at(0);
  if (!now.ok) return now;
  const current = now.value.revision;
  const compact = await compactRevision(read, current);
  if (!compact.ok) return compact;
  const floor = Math.max(1, compact.value);
  const versions: KeyVersion[] = [];
  let kv: At = now.value.kv;
  // The revision the walk is at: the key is absent there when kv is undefined.
  let rev = current;
  while (versions.length < MAX_VERSIONS) {
    if (kv === 'compacted') break;
    if (kv === undefined) {
      // Absent at rev: find the last revision before it at which the key existed, if any.
      const found = await lastPresent(read, rev, floor);
      if (!found.ok) return found;
      if (found.value === undefined) break;
      const { deletedAt, kv: before } = found.value;
      versions.push({ ...versionOf(before), modRevision: deletedAt, version: 0, value: '', lease: '0', deleted: true });
      kv = before;
      rev = before.mod_revision;
      continue;
    }
    versions.push(versionOf(kv));
    if (kv.mod_revision - 1 < floor) break;
    const prev = await read.at(kv.mod_revision - 1);
    if (!prev.ok) return prev;
    rev = kv.mod_revision - 1;
    kv = prev.value.kv;
  }
  return { ok: true, value: { key, compactRevision: compact.value, versions: versions.slice(0, MAX_VERSIONS) } };
}

/** The store's compaction revision: the lowest revision still readable, minus nothing (0 if none). */
async function compactRevision(read: Reader, current: number): Promise<Result<number, EtcdError>> {
  const first = await read.at(1);
  if (!first.ok) return first;
  if (first.value.kv !== 'compacted') return { ok: true, value: 0 };
  // Readable from the compaction revision on: bisect for the lowest readable one in (1, current].
  let lo = 1;
  let hi = current;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const r = await read.at(mid);
    if (!r.ok) return r;
    if (r.value.kv === 'compacted') lo = mid;
    else hi = mid;
  }
  return { ok: true, value: hi };
}

/**
 * The key is absent at `rev`: the latest revision d <= rev at which it was deleted, and its kv just
 * before, by galloping back to a revision where it exists and bisecting from there.
 */
async function lastPresent(read: Reader, rev: number, floor: number): Promise<Result<{ deletedAt: number; kv: mvccpb.KeyValue } | undefined, EtcdError>> {
  let absent = rev;
  let step = 1;
  let present: { rev: number; kv: mvccpb.KeyValue } | undefined;
  while (present === undefined) {
    const probe = Math.max(floor, absent - step);
    if (probe >= absent) return { ok: true, value: undefined };
    const r = await read.at(probe);
    if (!r.ok) return r;
    const kv = r.value.kv;
    if (kv === 'compacted') return { ok: true, value: undefined };
    if (kv !== undefined) present = { rev: probe, kv };
    else {
      absent = probe;
      step *= 2;
    }
  }
  // Present at present.rev, absent at `absent`: bisect for the first absent revision.
  let lo = present.rev;
  let hi = absent;
  let kv = present.kv;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const r = await read.at(mid);
    if (!r.ok) return r;
    const m = r.value.kv;
    if (m === 'compacted') return { ok: true, value: undefined };
    if (m === undefined) hi = mid;
    else {
      lo = mid;
      kv = m;
    }
  }
  return { ok: true, value: { deletedAt: hi, kv } };
}
