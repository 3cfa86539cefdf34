// How put / get / del / txn responses print in each output format.
import * as rpc from '../gen/etcdserverpb.js';
import { appendAll } from '../util/append-all.js';
import { fieldsDel, fieldsGet, fieldsPut, fieldsTxn } from './format/fields.js';
import { protoJson, RawJson } from './format/json.js';
import { deleteLines, getLines, putLines, type KvStyle } from './format/kv.js';
import { joinLines, type Line } from './format/lines.js';
import type { Globals } from './globals.js';
import { display, protobufBytes, type Renderers } from './output.js';

const json = (m: unknown) => (): string => `${protoJson(m)}\n`;

function style(g: Globals, valueOnly = false): KvStyle {
  return { hex: g.hex, valueOnly };
}

export function putRenderers(g: Globals, r: rpc.PutResponse): Renderers {
  return {
    simple: () => joinLines(putLines(r, style(g))),
    json: json(r),
    fields: () => fieldsPut(r),
    protobuf: () => protobufBytes(rpc.PutResponse, r),
  };
}

export function getRenderers(g: Globals, r: rpc.RangeResponse, valueOnly = false, countOnly = false): Renderers {
  return {
    simple: () => (countOnly ? `${r.count}\n` : joinLines(getLines(r, style(g, valueOnly)))),
    json: json(r),
    fields: () => fieldsGet(r),
    protobuf: () => protobufBytes(rpc.RangeResponse, r),
  };
}

export function delRenderers(g: Globals, r: rpc.DeleteRangeResponse): Renderers {
  return {
    simple: () => joinLines(deleteLines(r, style(g))),
    json: json(r),
    fields: () => fieldsDel(r),
    protobuf: () => protobufBytes(rpc.DeleteRangeResponse, r),
  };
}

/** SUCCESS/FAILURE, then each response after an empty line, as the simple printer does. */
function txnLines(g: Globals, r: rpc.TxnResponse): Line[] {
  const out: Line[] = [r.succeeded ? 'SUCCESS' : 'FAILURE'];
  for (const op of r.responses) {
    out.push('');
    if (op.response_delete_range !== undefined) appendAll(out, deleteLines(op.response_delete_range, style(g)));
    else if (op.response_put !== undefined) appendAll(out, putLines(op.response_put, style(g)));
    else if (op.response_range !== undefined) appendAll(out, getLines(op.response_range, style(g)));
  }
  return out;
}

/** A ResponseOp as Go's encoding/json sees it: the oneof as {"Response":{"ResponsePut":{...}}}. */
function responseOpJson(op: rpc.ResponseOp): unknown {
  const one = (name: string, v: unknown): unknown => ({ Response: { [name]: new RawJson(protoJson(v)) } });
  if (op.response_range !== undefined) return one('ResponseRange', op.response_range);
  if (op.response_put !== undefined) return one('ResponsePut', op.response_put);
  if (op.response_delete_range !== undefined) return one('ResponseDeleteRange', op.response_delete_range);
  if (op.response_txn !== undefined) return one('ResponseTxn', op.response_txn);
  return {};
}

export function txnJson(r: rpc.TxnResponse): string {
  return protoJson({ header: r.header, succeeded: r.succeeded, responses: r.responses.map(responseOpJson) });
}

export function displayTxn(g: Globals, r: rpc.TxnResponse): void {
  display(g, {
    simple: () => joinLines(txnLines(g, r)),
    json: () => `${txnJson(r)}\n`,
    fields: () => fieldsTxn(r),
    protobuf: () => protobufBytes(rpc.TxnResponse, r),
  });
}
