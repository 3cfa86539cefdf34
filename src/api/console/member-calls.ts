// The console's gRPC client of this member's own client port, dialled as the JSON gateway dials
// it. Every call carries the console user's token, so the member's own permission checks decide
// what the user sees; every call has a deadline.
import * as grpc from '@grpc/grpc-js';
import type { UnaryMethod } from '../../client/method.js';
import type { Result } from '../../mvcc/types.js';
import { ERR, type EtcdError } from '../errors.js';

const CALL_TIMEOUT_MS = 5000;

export class MemberCalls {
  private client: grpc.Client | undefined;
  private ranges = 0;

  /** KV Range calls made so far: the console's own reads, which its reads/s chart leaves out. */
  get rangeCalls(): number {
    return this.ranges;
  }

  /** Dials this member's client port ("host:port"); calls before that fail as unavailable. */
  connect(target: string, credentials: grpc.ChannelCredentials): void {
    this.client = new grpc.Client(target, credentials, { 'grpc.max_receive_message_length': -1 });
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }

  call<Req, Res>(method: UnaryMethod<Req, Res>, req: Req, token: string | undefined): Promise<Result<Res, EtcdError>> {
    const client = this.client;
    if (client === undefined) return Promise.resolve({ ok: false, error: ERR.stopped });
    const md = new grpc.Metadata();
    if (token !== undefined) {
      try {
        md.set('token', token);
      } catch {
        // not representable as metadata: the call goes without it and is refused as unauthenticated
      }
    }
    if (method.path === '/etcdserverpb.KV/Range') this.ranges++;
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        req,
        md,
        { deadline: Date.now() + CALL_TIMEOUT_MS },
        (err, value) => {
          if (err !== null || value === undefined) resolve({ ok: false, error: { code: err?.code ?? grpc.status.UNKNOWN, message: err?.details ?? 'no response' } });
          else resolve({ ok: true, value });
        },
      );
    });
  }
}
