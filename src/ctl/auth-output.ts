// What the user and role commands share: how a call fails (exit 1 with
// etcd's message) and how responses are printed in each format.
import * as rpc from '../gen/etcdserverpb.js';
import type { EtcdClient } from '../client/etcd-client.js';
import { ExitCode } from './exit.js';
import { callFailed } from './call-errors.js';
import { roleGetLines } from './format/auth.js';
import { fieldsHeader, fieldsRoleGet } from './format/fields.js';
import { protoJson } from './format/json.js';
import { joinLines } from './format/lines.js';
import { withClient, type Globals } from './globals.js';
import { protobufBytes, type Renderers } from './output.js';

type Header = { header: rpc.ResponseHeader | undefined };

/** The printers every user/role change shares: a fixed line, or the response (header only) in json, fields, protobuf. */
export function changeRenderers<T extends Header>(text: string | Buffer, codec: { encode(m: T): { finish(): Uint8Array } }, r: T): Renderers {
  return {
    simple: () => (typeof text === 'string' ? `${text}\n` : joinLines([text])),
    json: () => `${protoJson(r)}\n`,
    fields: () => fieldsHeader(r.header),
    protobuf: () => protobufBytes(codec, r),
  };
}

/** A call that fails as etcdctl's user and role commands do: exit 1 with etcd's message. */
export async function authCall<T>(g: Globals, fn: (c: EtcdClient) => Promise<T>): Promise<T> {
  return withClient(g, fn).catch((e: unknown) => {
    throw callFailed(e, ExitCode.Error);
  });
}

export function roleGetRenderers(role: string, r: rpc.AuthRoleGetResponse): Renderers {
  return {
    simple: () => joinLines(roleGetLines(role, r)),
    json: () => `${protoJson(r)}\n`,
    fields: () => fieldsRoleGet(r),
    protobuf: () => protobufBytes(rpc.AuthRoleGetResponse, r),
  };
}
