// Simple and JSON output of put / get / del / watch, as etcdctl prints them.
import type * as rpc from '../../gen/etcdserverpb.js';
import * as mvccpb from '../../gen/mvccpb.js';
import { protoJson, RawJson, structJson } from './json.js';
import type { Line } from './lines.js';

export interface KvStyle {
  /** --hex: bytes as \xNN escapes. */
  hex: boolean;
  /** --print-value-only */
  valueOnly: boolean;
}

export function hexEscape(b: Buffer): string {
  let s = '';
  for (const x of b) s += `\\x${x.toString(16).padStart(2, '0')}`;
  return s;
}

/** A key line (unless valueOnly) then a value line; keys-only results print an empty value line. */
export function kvLines(kv: mvccpb.KeyValue, style: KvStyle): Line[] {
  const show = (b: Buffer): Line => (style.hex ? hexEscape(b) : b);
  return style.valueOnly ? [show(kv.value)] : [show(kv.key), show(kv.value)];
}

export function putLines(resp: rpc.PutResponse, style: KvStyle): Line[] {
  const out: Line[] = ['OK'];
  if (resp.prev_kv !== undefined) out.push(...kvLines(resp.prev_kv, style));
  return out;
}

export function getLines(resp: rpc.RangeResponse, style: KvStyle): Line[] {
  return resp.kvs.flatMap((kv) => kvLines(kv, style));
}

export function deleteLines(resp: rpc.DeleteRangeResponse, style: KvStyle): Line[] {
  return [String(resp.deleted), ...resp.prev_kvs.flatMap((kv) => kvLines(kv, { ...style, valueOnly: false }))];
}

/** Per event: its type, the previous kv when asked for, then the kv. */
export function watchLines(resp: rpc.WatchResponse, style: KvStyle): Line[] {
  const out: Line[] = [];
  for (const e of resp.events) {
    out.push(mvccpb.Event_EventType[e.type] ?? String(e.type));
    if (e.prev_kv !== undefined) out.push(...kvLines(e.prev_kv, style));
    if (e.kv !== undefined) out.push(...kvLines(e.kv, style));
  }
  return out;
}

/** clientv3.WatchResponse through encoding/json: exported Go field names, no omitempty at the top. */
export function watchJson(resp: rpc.WatchResponse): string {
  return structJson({
    Header: new RawJson(protoJson(resp.header ?? {})),
    // etcd's client always hands over an event list, empty rather than nil.
    Events: new RawJson(protoJson(resp.events)),
    CompactRevision: resp.compact_revision,
    Canceled: resp.canceled,
    Created: resp.created,
  });
}

/** Why the server ended a watch, as etcd's client words it. */
export function watchCancelReason(resp: rpc.WatchResponse): string {
  if (resp.cancel_reason !== '') return resp.cancel_reason;
  if (resp.compact_revision > 0) return 'etcdserver: mvcc: required revision has been compacted';
  return 'watch canceled';
}
