// A Watch stream the client half-closes (it sends its create request, then ends its side) keeps
// delivering events, on raftkv as on etcd 3.4: etcd's server ends a watch stream only when the
// client cancels it or goes away. grpc-gateway's /v3/watch and some clients half-close so.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import * as rpc from '../../src/gen/etcdserverpb.js';
import { prereqs } from '../support/env.js';
import type { NodeHandle } from '../support/node.js';
import { useEtcdAndRaftkv } from '../support/suite.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({ etcd: true });

/** grpc_server_msg_sent_total for Watch, as the member's /metrics counts it. */
async function watchMessagesSent(node: NodeHandle): Promise<number> {
  const text = await (await fetch(`${node.clientUrl}/metrics`, { signal: AbortSignal.timeout(20_000) })).text();
  const line = text.split('\n').find((l) => l.startsWith('grpc_server_msg_sent_total{') && l.includes('grpc_method="Watch"'));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function eventsAfterHalfClose(node: NodeHandle): Promise<string[]> {
  const client = new grpc.Client(node.endpoint, grpc.credentials.createInsecure());
  const d = rpc.WatchService.Watch;
  const call = client.makeBidiStreamRequest(d.path, d.requestSerialize, d.responseDeserialize);
  const seen: string[] = [];
  let created = false;
  let ended = false;
  call.on('data', (r: rpc.WatchResponse) => {
    if (r.created) created = true;
    for (const e of r.events) seen.push(Buffer.from(e.kv?.value ?? []).toString());
  });
  call.on('error', () => undefined);
  call.on('end', () => (ended = true));
  try {
    call.write({ create_request: { key: Buffer.from('half-close') } });
    call.end();
    await waitFor('the watch to be created', () => (created ? true : undefined), 10_000);
    const kv = new grpc.Client(node.endpoint, grpc.credentials.createInsecure());
    const put = rpc.KVService.Put;
    for (const v of ['one', 'two']) {
      await new Promise<void>((resolve, reject) =>
        kv.makeUnaryRequest(put.path, put.requestSerialize, put.responseDeserialize, { key: Buffer.from('half-close'), value: Buffer.from(v) }, (err) => (err ? reject(err) : resolve())),
      );
    }
    kv.close();
    await waitFor('two events', () => (seen.length >= 2 ? true : undefined), 10_000);
    expect(ended).toBe(false);
    return seen;
  } finally {
    call.cancel();
    client.close();
  }
}

describe.skipIf(pre.skip)('a half-closed Watch stream', () => {
  const nodes = useEtcdAndRaftkv(pre);

  it('keeps delivering events, as etcd 3.4 does', async () => {
    const [etcd, raftkv] = nodes();
    expect(await eventsAfterHalfClose(etcd)).toEqual(['one', 'two']);
    expect(await eventsAfterHalfClose(raftkv)).toEqual(['one', 'two']);
  });

  it('counts the responses it sent in grpc_server_msg_sent_total, as etcd 3.4 does', async () => {
    for (const node of nodes()) {
      const before = await watchMessagesSent(node);
      await eventsAfterHalfClose(node);
      // the created response and the two events
      expect(await watchMessagesSent(node), node.name).toBeGreaterThanOrEqual(before + 3);
    }
  });
});
