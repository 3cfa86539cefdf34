// Every gRPC method of the client port's etcdserverpb services gets random, mutated, truncated and
// oversized protobuf messages as raw bytes, on a real member. Each call must end with a gRPC
// status (a unary call never runs into its deadline), the member must keep serving, and no write
// may be half-applied: every key/value left in the store must be one pair that a whole request
// sent by the fuzzer (as the member decodes it) asked to write. FUZZ_SECONDS / FUZZ_SEED:
// test/support/fuzz.ts.
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceType } from '../../src/api/gateway/jsonpb.js';
import { EtcdClient } from '../../src/client/index.js';
import { PutRequest, type RequestOp, TxnRequest } from '../../src/gen/etcdserverpb.js';
import { fuzzSettings, mutate, Rng } from '../support/fuzz.js';
import { startNode, type NodeHandle } from '../support/node.js';

const { seconds, seed } = fuzzSettings(12);
const PARALLEL = 6;
/** Far beyond any unary call's work on a single member: running into it means a hang. */
const UNARY_DEADLINE_MS = 20_000;
/** Streams (Watch, LeaseKeepAlive, Snapshot) may stay open by design; they end at this deadline. */
const STREAM_DEADLINE_MS = 1_500;
/** --max-request-bytes default (1.5 MiB) + etcd's gRPC overhead allowance (512 KiB), and then some. */
const OVERSIZED = 2 * 1024 * 1024 + 4096;

/**
 * Left out, each because it would break the run rather than test parsing: AuthEnable (the fuzzer
 * and the final checks hold no token), MemberAdd/MemberRemove/MemberUpdate/MemberPromote (a
 * single member that adds a member loses its quorum; removing or re-addressing itself ends
 * service), Alarm (a NOSPACE alarm refuses the writes this test checks), Defragment (rewrites the
 * whole store for a message with no fields), MoveLeader (meaningless on one member, and a
 * leadership change is not what this test is about).
 */
const EXCLUDED = new Set([
  'Auth.AuthEnable',
  'Cluster.MemberAdd',
  'Cluster.MemberRemove',
  'Cluster.MemberUpdate',
  'Cluster.MemberPromote',
  'Maintenance.Alarm',
  'Maintenance.Defragment',
  'Maintenance.MoveLeader',
]);
const SERVICES = ['KV', 'Watch', 'Lease', 'Cluster', 'Maintenance', 'Auth'];

interface Method {
  name: string;
  path: string;
  request: protobuf.Type;
  requestStream: boolean;
  responseStream: boolean;
}

function methods(): Method[] {
  const out: Method[] = [];
  for (const s of SERVICES) {
    for (const m of serviceType(`etcdserverpb.${s}`).methodsArray) {
      const name = `${s}.${m.name}`;
      if (EXCLUDED.has(name) || m.resolvedRequestType === null) continue;
      out.push({ name, path: `/etcdserverpb.${s}/${m.name}`, request: m.resolvedRequestType, requestStream: m.requestStream === true, responseStream: m.responseStream === true });
    }
  }
  return out;
}

/** A random but well-formed value of `type`, built from its descriptor. */
function randomObject(rng: Rng, type: protobuf.Type, depth: number, keys: readonly Buffer[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    if (!rng.chance(0.6)) continue;
    const one = (): unknown => {
      const t = f.resolvedType;
      if (t !== null && 'fieldsArray' in t) return depth > 0 ? randomObject(rng, t, depth - 1, keys) : {};
      if (t !== null && 'values' in t) return rng.pick(Object.values(t.values));
      switch (f.type) {
        case 'bytes':
          return rng.chance(0.7) ? rng.pick(keys) : rng.bytes(rng.size(40));
        case 'string':
          return rng.chance(0.5) ? rng.pick(['root', 'fz', 'r', '']) : rng.bytes(rng.size(20)).toString('latin1');
        case 'bool':
          return rng.chance(0.5);
        case 'int64':
        case 'uint64':
        case 'sint64':
        case 'fixed64':
        case 'sfixed64':
          return rng.pick([0, 1, 5, -1, 2 ** 53 - 1, rng.int(1000)]).toString();
        default:
          return rng.pick([0, 1, -1, 2 ** 31 - 1, rng.int(1000)]);
      }
    };
    o[f.name] = f.repeated ? Array.from({ length: rng.int(4) }, one) : one();
  }
  return o;
}

/** Writes (key, value) a whole request would make, as the member decodes `payload`; [] if it does not decode. */
function pairsOf(method: string, payload: Buffer): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const fromOps = (ops: RequestOp[]): void => {
    for (const op of ops) {
      if (op.request_put !== undefined) out.push([op.request_put.key.toString('hex'), op.request_put.value.toString('hex')]);
      if (op.request_txn !== undefined) {
        fromOps(op.request_txn.success);
        fromOps(op.request_txn.failure);
      }
    }
  };
  try {
    if (method === 'KV.Put') {
      const p = PutRequest.decode(payload);
      out.push([p.key.toString('hex'), p.value.toString('hex')]);
    } else if (method === 'KV.Txn') {
      const t = TxnRequest.decode(payload);
      fromOps(t.success);
      fromOps(t.failure);
    }
  } catch {
    return [];
  }
  return out;
}

const identity = (b: Buffer): Buffer => b;

/** One call; resolves with its status code. */
function call(client: grpc.Client, m: Method, payloads: Buffer[]): Promise<grpc.status> {
  return new Promise((resolve) => {
    const first = payloads[0] ?? Buffer.alloc(0);
    if (!m.requestStream && !m.responseStream) {
      client.makeUnaryRequest(m.path, identity, identity, first, { deadline: Date.now() + UNARY_DEADLINE_MS }, (err) => resolve(err === null ? grpc.status.OK : err.code));
      return;
    }
    const deadline = Date.now() + STREAM_DEADLINE_MS;
    const stream = m.requestStream ? client.makeBidiStreamRequest(m.path, identity, identity, { deadline }) : client.makeServerStreamRequest(m.path, identity, identity, first, { deadline });
    stream.on('data', () => undefined);
    stream.on('error', () => undefined);
    stream.on('status', (s: grpc.StatusObject) => resolve(s.code));
    if (m.requestStream) {
      const w = stream as grpc.ClientDuplexStream<Buffer, Buffer>;
      for (const p of payloads) w.write(p);
      w.end();
    }
  });
}

describe(`gRPC methods under random and mutated messages (${seconds} s, FUZZ_SEED=${seed})`, () => {
  let node: NodeHandle;
  beforeAll(async () => {
    node = await startNode({ target: 'raftkv' });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('answers every call with a status, keeps serving, applies no partial write', { timeout: (seconds + 90) * 1000 }, async () => {
    const rng = new Rng(seed);
    const all = methods();
    expect(all.length).toBeGreaterThan(30);
    const keys = Array.from({ length: 16 }, (_, i) => Buffer.from(`fz/${i}`));
    const written = new Set<string>(); // "keyhex=valuehex" pairs of whole requests
    const codes: Record<string, number> = {};
    const hangs: string[] = [];
    let calls = 0;
    let token = 0;
    const client = new grpc.Client(node.endpoint, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });

    /** A valid message for `m`, often with a unique value token so writes can be told apart. */
    const valid = (m: Method): Buffer => {
      if (m.name === 'KV.Put') return Buffer.from(PutRequest.encode({ key: rng.pick(keys), value: Buffer.from(`p${token++}`) }).finish());
      if (m.name === 'KV.Txn' && rng.chance(0.6)) {
        const value = Buffer.from(`t${token++}`);
        const ops = Array.from({ length: 1 + rng.int(4) }, () => ({ request_put: { key: rng.pick(keys), value } }));
        return Buffer.from(TxnRequest.encode({ success: ops, failure: ops.slice(0, 1) }).finish());
      }
      return Buffer.from(m.request.encode(m.request.fromObject(randomObject(rng, m.request, 3, keys))).finish());
    };
    const message = (m: Method): Buffer => {
      const r = rng.int(100);
      if (r < 30) return valid(m);
      if (r < 60) return mutate(rng, valid(m), 4);
      if (r < 75) {
        const v = valid(m);
        return v.subarray(0, rng.int(v.length + 1)); // truncated
      }
      if (r < 97) return rng.bytes(rng.size(512));
      // Oversized: past what the member accepts, as a random blob or a Put with a huge value.
      return rng.chance(0.5) ? rng.bytes(OVERSIZED) : Buffer.from(PutRequest.encode({ key: rng.pick(keys), value: Buffer.alloc(OVERSIZED, 0x61) }).finish());
    };

    const deadline = Date.now() + seconds * 1000;
    const worker = async (): Promise<void> => {
      while (Date.now() < deadline) {
        const m = rng.pick(all);
        const payloads = Array.from({ length: m.requestStream ? 1 + rng.int(3) : 1 }, () => message(m));
        for (const p of payloads) for (const [k, v] of pairsOf(m.name, p)) written.add(`${k}=${v}`);
        const code = await call(client, m, payloads);
        calls++;
        const label = `${m.name}:${grpc.status[code]}`;
        codes[label] = (codes[label] ?? 0) + 1;
        if (!m.requestStream && !m.responseStream && code === grpc.status.DEADLINE_EXCEEDED) hangs.push(m.name);
      }
    };
    try {
      await Promise.all(Array.from({ length: PARALLEL }, worker));
    } finally {
      client.close();
    }
    console.log(`grpc-methods fuzz: seed ${seed}, ${seconds} s, ${calls} calls over ${all.length} methods; statuses ${JSON.stringify(codes)}`);

    expect(node.running, `member died; seed ${seed}; log:\n${node.logTail(40)}`).toBe(true);
    expect(hangs).toEqual([]);
    const etcd = new EtcdClient([node.endpoint], { timeoutMs: 10_000 });
    try {
      const everything = await etcd.range('', { prefix: true });
      const stray = everything.kvs.map((kv) => `${Buffer.from(kv.key).toString('hex')}=${Buffer.from(kv.value).toString('hex')}`).filter((p) => !written.has(p));
      expect(stray).toEqual([]);
      // Still serving writes and reads.
      await etcd.put('fz-after', 'ok');
      expect((await etcd.range('fz-after')).count).toBe(1);
    } finally {
      etcd.close();
    }
  });
});
