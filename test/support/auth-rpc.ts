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

/**
 * etcdctl steps both cluster auth tests start from: root, a role `app` with readwrite on /app/,
 * a user `u` (password upw) with that role, one key /app/seed, then auth enabled. Each step's
 * exit code and stderr, for the caller to assert.
 */
export async function enableAppAuth(ctl: { run(args: readonly string[]): Promise<{ code: number; stderr: string }> }): Promise<{ step: string; code: number; stderr: string }[]> {
  const out: { step: string; code: number; stderr: string }[] = [];
  for (const args of [
    ['user', 'add', 'root:rootpw'],
    ['user', 'grant-role', 'root', 'root'],
    ['role', 'add', 'app'],
    ['role', 'grant-permission', 'app', 'readwrite', '/app/', '--prefix'],
    ['user', 'add', 'u:upw'],
    ['user', 'grant-role', 'u', 'app'],
    ['put', '/app/seed', 'v'],
    ['auth', 'enable'],
  ]) {
    const r = await ctl.run(args);
    out.push({ step: args.join(' '), code: r.code, stderr: r.stderr });
  }
  return out;
}
