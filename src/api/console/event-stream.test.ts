import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterView } from './cluster-view.js';
import { EventStreams } from './event-stream.js';
import { LeaderTimeline } from './leader-timeline.js';
import { waitFor } from '../../../test/support/proc.js';

/** A response whose client never reads: every byte written stays queued. */
function stuckResponse(): ServerResponse {
  const w = new Writable({ write: () => undefined });
  return Object.assign(w, { setHeader: () => w, writeHead: () => w }) as unknown as ServerResponse;
}

const request = { socket: { setNoDelay: () => undefined } } as unknown as IncomingMessage;

describe('EventStreams', () => {
  // ~64 KiB per cluster event: a client that reads nothing passes the 256 KiB bound within a few.
  const view: ClusterView = { at: 0, memberId: '1', leaderId: '1', term: 1, leaderSince: null, members: [{ id: '1', name: 'x'.repeat(1 << 16), role: 'leader', term: 1, commitIndex: 1, appliedIndex: 1, lag: 0, dbSize: 0, dbSizeInUse: 0, alarms: [], version: '', clientURLs: [], peerURLs: [] }] };
  const streams = new EventStreams(
    {
      cluster: () => Promise.resolve(view),
      metrics: () => Promise.resolve({ at: 0, writesPerSec: 0, readsPerSec: 0, fsyncMs: 0, applyMs: 0, watchers: 0 }),
      timeline: new LeaderTimeline(),
    },
    () => undefined,
  );
  afterAll(() => streams.close());

  it('cuts off a stream whose client does not read', async () => {
    const res = stuckResponse();
    streams.open(request, res, () => true);
    expect(streams.size).toBe(1);
    await waitFor('the stuck stream to be cut off', () => (res.destroyed ? true : undefined), 30_000);
    expect(streams.size).toBe(0);
  });

  it('ends a stream once its caller may no longer read', async () => {
    let allowed = true;
    const res = stuckResponse();
    streams.open(request, res, () => allowed);
    allowed = false;
    await waitFor('the stream to end', () => (streams.size === 0 ? true : undefined), 30_000);
    expect(res.writableEnded || res.destroyed).toBe(true);
  });
});
