// A tiny raw gRPC client for etcd's v3 API (no generated code, no etcd3 retry
// policies): used for the readiness probe and by the crash test, where every
// call must fail fast with a deadline once the server is killed.
import grpc from '@grpc/grpc-js';
import { bytesField, decode, repeatedBytes, varintField, Writer, type Field } from './protobuf.js';

export interface ResponseHeader {
  clusterId: bigint;
  memberId: bigint;
  revision: bigint;
  raftTerm: bigint;
}

export interface KeyValue {
  key: string;
  value: string;
  createRevision: bigint;
  modRevision: bigint;
  version: bigint;
  lease: bigint;
}

export interface RangeResult {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: bigint;
}

export interface RangeOptions {
  rangeEnd?: string;
  limit?: number;
  serializable?: boolean;
  timeoutMs?: number;
}

export function decodeHeader(buf: Buffer): ResponseHeader {
  const f = decode(buf);
  return {
    clusterId: varintField(f, 1),
    memberId: varintField(f, 2),
    revision: varintField(f, 3),
    raftTerm: varintField(f, 4),
  };
}

export function decodeKeyValue(buf: Buffer): KeyValue {
  const f: Field[] = decode(buf);
  return {
    key: bytesField(f, 1).toString('utf8'),
    createRevision: varintField(f, 2),
    modRevision: varintField(f, 3),
    version: varintField(f, 4),
    value: bytesField(f, 5).toString('utf8'),
    lease: varintField(f, 6),
  };
}

/** The key just after every key starting with `prefix` (etcd's prefix range_end). */
export function prefixEnd(prefix: string): string {
  const b = Buffer.from(prefix, 'utf8');
  for (let i = b.length - 1; i >= 0; i--) {
    const byte = b[i] as number;
    if (byte < 0xff) {
      const out = Buffer.from(b.subarray(0, i + 1));
      out[i] = byte + 1;
      return out.toString('latin1');
    }
  }
  return '\0';
}

export class RawEtcdClient {
  private readonly client: grpc.Client;

  constructor(readonly endpoint: string) {
    this.client = new grpc.Client(endpoint, grpc.credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 500,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  }

  private call(path: string, req: Buffer, timeoutMs: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.client.makeUnaryRequest<Buffer, Buffer>(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        req,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err: grpc.ServiceError | null, res?: Buffer) => {
          if (err !== null) reject(err);
          else resolve(res ?? Buffer.alloc(0));
        },
      );
    });
  }

  async range(key: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const w = new Writer().bytes(1, Buffer.from(key, 'latin1'));
    if (opts.rangeEnd !== undefined) w.bytes(2, Buffer.from(opts.rangeEnd, 'latin1'));
    if (opts.limit !== undefined) w.varint(3, opts.limit);
    if (opts.serializable === true) w.varint(7, true);
    const res = decode(await this.call('/etcdserverpb.KV/Range', w.finish(), opts.timeoutMs ?? 5000));
    return {
      header: decodeHeader(bytesField(res, 1)),
      kvs: repeatedBytes(res, 2).map(decodeKeyValue),
      more: varintField(res, 3) !== 0n,
      count: varintField(res, 4),
    };
  }

  async put(key: string, value: string, opts: { lease?: bigint; timeoutMs?: number } = {}): Promise<ResponseHeader> {
    const w = new Writer().bytes(1, key).bytes(2, value);
    if (opts.lease !== undefined) w.varint(3, opts.lease);
    const res = decode(await this.call('/etcdserverpb.KV/Put', w.finish(), opts.timeoutMs ?? 5000));
    return decodeHeader(bytesField(res, 1));
  }

  async leaseGrant(ttl: number, timeoutMs = 5000): Promise<{ id: bigint; ttl: bigint }> {
    const req = new Writer().varint(1, ttl).finish();
    const res = decode(await this.call('/etcdserverpb.Lease/LeaseGrant', req, timeoutMs));
    const error = bytesField(res, 4).toString('utf8');
    if (error !== '') throw new Error(`LeaseGrant error: ${error}`);
    return { id: varintField(res, 2), ttl: varintField(res, 3) };
  }

  async leaseLeases(timeoutMs = 5000): Promise<bigint[]> {
    const res = decode(await this.call('/etcdserverpb.Lease/LeaseLeases', Buffer.alloc(0), timeoutMs));
    return repeatedBytes(res, 2).map((b) => varintField(decode(b), 1));
  }

  async status(timeoutMs = 5000): Promise<{ header: ResponseHeader; version: string; leader: bigint }> {
    const res = decode(await this.call('/etcdserverpb.Maintenance/Status', Buffer.alloc(0), timeoutMs));
    return {
      header: decodeHeader(bytesField(res, 1)),
      version: bytesField(res, 2).toString('utf8'),
      leader: varintField(res, 4),
    };
  }

  close(): void {
    this.client.close();
  }
}
