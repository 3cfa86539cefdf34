// lease keep-alive's loop, as etcd's client runs it: renew every TTL/3, move to
// another endpoint when a stream fails, and stop once the lease is gone (a
// TTL <= 0 reply, or no renewal within the last TTL).
import * as grpc from '@grpc/grpc-js';
import type { EtcdClient } from '../client/etcd-client.js';
import { toClientError } from '../client/errors.js';
import * as rpc from '../gen/etcdserverpb.js';

const RETRY_MS = 500;

type StreamEnd = { kind: 'gone' } | { kind: 'failed'; error: unknown };

function runStream(
  client: EtcdClient,
  id: bigint,
  onRenewed: (r: rpc.LeaseKeepAliveResponse) => void,
  deadline: { at: number },
): Promise<StreamEnd> {
  const endpoint = client.endpoint;
  const stream = client.bidi(rpc.LeaseService.LeaseKeepAlive);
  return new Promise<StreamEnd>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (end: StreamEnd): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      clearInterval(watchdog);
      stream.end();
      stream.cancel();
      resolve(end);
    };
    // The lease is given up when nothing renewed it for a whole TTL.
    const watchdog = setInterval(() => {
      if (Date.now() > deadline.at) finish({ kind: 'gone' });
    }, 250);
    stream.on('data', (r: rpc.LeaseKeepAliveResponse) => {
      if (r.TTL <= 0) {
        finish({ kind: 'gone' });
        return;
      }
      deadline.at = Date.now() + r.TTL * 1000;
      onRenewed(r);
      timer = setTimeout(() => stream.write({ ID: id }), Math.max(500, (r.TTL * 1000) / 3));
    });
    stream.on('error', (e: unknown) => {
      const err = toClientError(e, endpoint);
      if (err.code === grpc.status.CANCELLED && done) return;
      finish({ kind: 'failed', error: err });
    });
    stream.on('end', () => finish({ kind: 'failed', error: new Error('keep-alive stream closed by the server') }));
    stream.write({ ID: id });
  });
}

/** Renews until the lease is gone; failed streams are retried on the next endpoint. */
export async function keepAliveUntilGone(
  client: EtcdClient,
  id: bigint,
  onRenewed: (r: rpc.LeaseKeepAliveResponse) => void,
  firstReplyWithinMs: number,
): Promise<void> {
  // Until the first reply the lease's TTL is unknown (etcd's client waits dial timeout + 1 s).
  const deadline = { at: Date.now() + firstReplyWithinMs };
  for (;;) {
    const end = await runStream(client, id, onRenewed, deadline);
    if (end.kind === 'gone') return;
    if (Date.now() > deadline.at) return;
    client.rotate();
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}
