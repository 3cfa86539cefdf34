import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaderRequirement } from './require-leader.js';

/** Just enough of a server duplex stream: metadata, events, and the error it was ended with. */
function fakeCall(metadata: Record<string, string>) {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  const call = Object.assign(new EventEmitter(), { metadata: md });
  const errors: { code?: number; details?: string }[] = [];
  call.on('error', (e: { code?: number; details?: string }) => errors.push({ code: e.code, details: e.details }));
  return { call: call as unknown as grpc.ServerDuplexStream<unknown, unknown>, errors, emitter: call };
}

const NO_LEADER = { code: grpc.status.UNAVAILABLE, details: 'etcdserver: no leader' };

describe('hasleader=true streams', () => {
  let leader = true;
  let req: LeaderRequirement;
  let handled = 0;
  const handler = (): void => {
    handled++;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    leader = true;
    handled = 0;
    req = new LeaderRequirement(() => leader, 1000);
    req.run();
  });
  afterEach(() => {
    req.stop();
    vi.useRealTimers();
  });

  it('without the metadata: always handled, never cancelled', async () => {
    leader = false;
    const c = fakeCall({});
    req.guard(handler)(c.call);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(handled).toBe(1);
    expect(c.errors).toEqual([]);
  });

  it('refused at once while no leader is known', () => {
    leader = false;
    const c = fakeCall({ hasleader: 'true' });
    req.guard(handler)(c.call);
    expect(handled).toBe(0);
    expect(c.errors).toEqual([NO_LEADER]);
  });

  it('cancelled after three election timeouts without a leader, not after two', async () => {
    const c = fakeCall({ hasleader: 'true' });
    req.guard(handler)(c.call);
    expect(handled).toBe(1);
    leader = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(c.errors).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(c.errors).toEqual([NO_LEADER]);
  });

  it('a leader seen in between starts the count again', async () => {
    const c = fakeCall({ hasleader: 'true' });
    req.guard(handler)(c.call);
    leader = false;
    await vi.advanceTimersByTimeAsync(2000);
    leader = true;
    await vi.advanceTimersByTimeAsync(1000);
    leader = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(c.errors).toEqual([]);
  });

  it('a stream that closed is forgotten', async () => {
    const c = fakeCall({ hasleader: 'true' });
    req.guard(handler)(c.call);
    c.emitter.emit('close');
    leader = false;
    await vi.advanceTimersByTimeAsync(5000);
    expect(c.errors).toEqual([]);
  });
});
