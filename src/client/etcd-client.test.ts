// EtcdClient against in-process fake servers: failover, error mapping,
// streams (watch fragments and cancel, keep-alive, snapshot).
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as rpc from '../gen/etcdserverpb.js';
import { EtcdClient } from './etcd-client.js';
import { EtcdClientError } from './errors.js';

const header: rpc.ResponseHeaderInit = { cluster_id: 1n, member_id: 2n, revision: 9, raft_term: 1 };

function statusError(code: grpc.status, details: string): Partial<grpc.StatusObject> {
  return { code, details, metadata: new grpc.Metadata() };
}

/** A fake etcd whose KV answers (or fails with `fail`), plus Watch, LeaseKeepAlive, Status and Snapshot. */
function fakeServer(fail?: Partial<grpc.StatusObject>): grpc.Server {
  const server = new grpc.Server();
  const kv: Partial<rpc.KVHandlers> = {
    Range: (call, cb) => {
      if (fail) return cb(fail);
      cb(null, { header, kvs: [{ key: call.request.key, value: Buffer.from('v'), mod_revision: 3 }], count: 1 });
    },
    Put: (call, cb) => {
      if (fail) return cb(fail);
      if (call.request.key.length === 0) return cb(statusError(grpc.status.INVALID_ARGUMENT, 'etcdserver: key is not provided'));
      cb(null, { header });
    },
  };
  const maintenance: Partial<rpc.MaintenanceHandlers> = {
    Status: (_call, cb) => cb(null, { header, version: '3.4.23' }),
    Snapshot: (call) => {
      call.write({ header, remaining_bytes: 4, blob: Buffer.from('ab') });
      call.write({ header, remaining_bytes: 2, blob: Buffer.from('cd') });
      call.end();
    },
  };
  const lease: Partial<rpc.LeaseHandlers> = {
    LeaseKeepAlive: (call) => {
      call.on('data', (r: rpc.LeaseKeepAliveRequest) => call.write({ header, ID: r.ID, TTL: r.ID === 7n ? 30 : 0 }));
      call.on('end', () => call.end());
    },
  };
  const watch: rpc.WatchHandlers = {
    Watch: (call) => {
      call.on('data', (r: rpc.WatchRequest) => {
        if (r.create_request === undefined) return;
        const key = r.create_request.key;
        const ev = (v: string): rpc.WatchResponseInit['events'] => [{ type: 0, kv: { key, value: Buffer.from(v) } }];
        call.write({ header, watch_id: 5, created: true });
        call.write({ header, watch_id: 5, events: ev('1') });
        // One revision split in two fragments.
        call.write({ header, watch_id: 5, fragment: true, events: ev('2a') });
        call.write({ header, watch_id: 5, events: ev('2b') });
        if (key.toString() === 'compacted') call.write({ header, watch_id: 5, canceled: true, compact_revision: 3 });
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
  };
  server.addService(rpc.KVService, kv as rpc.KVHandlers);
  server.addService(rpc.MaintenanceService, maintenance as rpc.MaintenanceHandlers);
  server.addService(rpc.LeaseService, lease as rpc.LeaseHandlers);
  server.addService(rpc.WatchService, watch);
  return server;
}

async function listen(server: grpc.Server): Promise<string> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return `127.0.0.1:${port}`;
}

/** A port with nothing listening: bound once, then released. */
async function deadEndpoint(): Promise<string> {
  const s = new grpc.Server();
  const ep = await listen(s);
  s.forceShutdown();
  return ep;
}

let good: grpc.Server;
let noLeader: grpc.Server;
let goodEp: string;
let noLeaderEp: string;
const clients: EtcdClient[] = [];

function client(endpoints: string[]): EtcdClient {
  const c = new EtcdClient(endpoints, { timeoutMs: 3000 });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  good = fakeServer();
  noLeader = fakeServer(statusError(grpc.status.UNAVAILABLE, 'etcdserver: no leader'));
  goodEp = await listen(good);
  noLeaderEp = await listen(noLeader);
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(() => {
  good.forceShutdown();
  noLeader.forceShutdown();
});

describe('EtcdClient unary calls', () => {
  it('decodes responses', async () => {
    const r = await client([`http://${goodEp}`]).range('k');
    expect(r.kvs[0]?.key.toString()).toBe('k');
    expect(r.header?.member_id).toBe(2n);
  });

  it("surfaces etcd's error code and message", async () => {
    const err = await client([goodEp]).put('', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtcdClientError);
    expect(err).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, message: 'etcdserver: key is not provided', endpoint: goodEp });
  });

  it('moves to the next endpoint when one is unreachable', async () => {
    const c = client([await deadEndpoint(), goodEp]);
    expect((await c.put('k', 'v')).header?.revision).toBe(9);
    expect(c.endpoint).toBe(goodEp);
  });

  it('resends only read-only calls after an UNAVAILABLE from a connected server', async () => {
    const c = client([noLeaderEp, goodEp]);
    await c.status(); // connects to the first endpoint
    await expect(c.put('k', 'v')).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE, message: 'etcdserver: no leader' });
    expect((await c.range('k')).count).toBe(1);
    expect(c.endpoint).toBe(goodEp);
  });

  it('fails with UNAVAILABLE when every endpoint is down', async () => {
    await expect(client([await deadEndpoint()]).range('k')).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });
});

describe('EtcdClient streams', () => {
  it('watch iterates responses with fragments merged, and cancel ends it', async () => {
    const w = client([goodEp]).watch('k');
    expect((await w.created).watch_id).toBe(5);
    const seen: string[][] = [];
    for await (const r of w) {
      seen.push(r.events.map((e) => e.kv?.value.toString() ?? ''));
      if (seen.length === 2) w.cancel();
    }
    expect(seen).toEqual([['1'], ['2a', '2b']]);
    await w.done;
  });

  it('watch delivers to a listener and ends when the server cancels', async () => {
    const got: rpc.WatchResponse[] = [];
    const w = client([goodEp]).watch('compacted', { prefix: true }, (r) => got.push(r));
    await w.done;
    expect(got.map((r) => r.canceled)).toEqual([false, false, true]);
    expect(got[2]?.compact_revision).toBe(3);
  });

  it('leaseKeepAliveOnce renews, and reports a gone lease as not found', async () => {
    const c = client([goodEp]);
    expect((await c.leaseKeepAliveOnce(7n)).TTL).toBe(30);
    await expect(c.leaseKeepAliveOnce(8n)).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
      message: 'etcdserver: requested lease not found',
    });
  });

  it('snapshot yields the blobs in order', async () => {
    const chunks: Buffer[] = [];
    for await (const b of client([goodEp]).snapshot()) chunks.push(b);
    expect(Buffer.concat(chunks).toString()).toBe('abcd');
  });
});
