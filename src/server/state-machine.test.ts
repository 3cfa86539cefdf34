import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { InternalRequest } from '../gen/raftkvpb.js';
import type { CommittedEntry } from './consensus.js';
import { StateMachine } from './state-machine.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir?: string): StateMachine {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'sm-test-'));
  if (dir === undefined) dirs.push(d);
  return new StateMachine(join(d, 'state.db'), { logger: pino({ level: 'silent' }) });
}

function put(index: number, id: bigint, key: string): CommittedEntry {
  const data = InternalRequest.encode({ ID: id, put: { key: Buffer.from(key), value: Buffer.from('v') } }).finish();
  return { index, term: 1, type: 'normal', data };
}

describe('state machine', () => {
  it('applies a request ID once, even when a second copy commits later', async () => {
    const sm = open();
    const first = sm.apply([put(1, 42n, 'k'), put(2, 43n, 'other')]);
    expect(first.applied.map((a) => a.id)).toEqual([42n, 43n]);
    const again = sm.apply([put(3, 42n, 'k')]);
    expect(again.applied).toEqual([]);
    expect(sm.appliedIndex()).toBe(3);
    const kv = sm.store.get(Buffer.from('k'));
    expect(kv?.version).toBe(1);
    await sm.close();
  });

  it('still knows the applied IDs after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-test-'));
    dirs.push(dir);
    const sm = open(dir);
    sm.apply([put(1, 42n, 'k')]);
    await sm.close();
    const reopened = open(dir);
    expect(reopened.apply([put(2, 42n, 'k')]).applied).toEqual([]);
    expect(reopened.store.get(Buffer.from('k'))?.version).toBe(1);
    await reopened.close();
  });

  // More events than a spread call takes as arguments (~100,000 here): applying them once made every
  // member fail the same entry with RangeError, and fail it again after each restart.
  it('applies a Txn and a DeleteRange that each touch 200,000 keys', async () => {
    const sm = open();
    const n = 200_000;
    const key = (i: number): Buffer => Buffer.from(`big/${String(i).padStart(6, '0')}`);
    const success = Array.from({ length: n }, (_, i) => ({ request_put: { key: key(i), value: Buffer.from('v') } }));
    const txn = InternalRequest.encode({ ID: 1n, txn: { compare: [], success, failure: [] } }).finish();
    const del = InternalRequest.encode({ ID: 2n, delete_range: { key: Buffer.from('big/'), range_end: Buffer.from('big0') } }).finish();
    const put = sm.apply([{ index: 1, term: 1, type: 'normal', data: txn }]);
    expect(put.applied[0]?.result.ok).toBe(true);
    expect(put.events.length).toBe(n);
    const gone = sm.apply([{ index: 2, term: 1, type: 'normal', data: del }]);
    expect(gone.applied[0]?.result.ok).toBe(true);
    expect(gone.events.length).toBe(n);
    expect(gone.events.every((e) => e.type === 'delete')).toBe(true);
    expect(sm.store.get(key(0))).toBeUndefined();
    expect(sm.appliedIndex()).toBe(2);
    await sm.close();
  }, 60_000);
});
