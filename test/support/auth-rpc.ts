// Raw gRPC Auth and KV calls with an explicit token, for tests that look at tokens themselves.
import * as grpc from '@grpc/grpc-js';
import * as rpc from '../../src/gen/etcdserverpb.js';

export interface AuthClients {
  auth: grpc.Client;
  kv: grpc.Client;
  close(): void;
}

const AuthClient = grpc.makeGenericClientConstructor(rpc.AuthService, 'Auth');
const KVClient = grpc.makeGenericClientConstructor(rpc.KVService, 'KV');

export function authClients(endpoint: string): AuthClients {
  const creds = grpc.credentials.createInsecure();
  const auth = new AuthClient(endpoint, creds);
  const kv = new KVClient(endpoint, creds);
  return {
    auth,
    kv,
    close: () => {
      auth.close();
      kv.close();
    },
  };
}

export function unaryCall<Req, Res>(client: grpc.Client, method: string, req: Req, token?: string): Promise<Res> {
  const meta = new grpc.Metadata();
  if (token !== undefined) meta.set('token', token);
  type Method = (req: Req, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void;
  const fn = (client as unknown as Record<string, Method | undefined>)[method];
  if (fn === undefined) return Promise.reject(new Error(`no method ${method}`));
  return new Promise<Res>((resolve, reject) => {
    fn.call(client, req, meta, { deadline: Date.now() + 8000 }, (err, res) => {
      if (err !== null) reject(err);
      else resolve(res as Res);
    });
  });
}

export const authenticate = (c: AuthClients, name: string, password: string): Promise<rpc.AuthenticateResponse> =>
  unaryCall(c.auth, 'Authenticate', { name, password });
export const rangeAs = (c: AuthClients, key: string, token?: string): Promise<rpc.RangeResponse> =>
  unaryCall(c.kv, 'Range', { key: Buffer.from(key) }, token);
export const putAs = (c: AuthClients, key: string, value: string, token?: string): Promise<rpc.PutResponse> =>
  unaryCall(c.kv, 'Put', { key: Buffer.from(key), value: Buffer.from(value) }, token);

/** The gRPC error `p` fails with (it must fail). */
export async function rpcError(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as grpc.ServiceError;
    return { code: err.code, details: err.details };
  }
  throw new Error('expected an error');
}
