// `-w fields`: etcdctl's fieldsPrinter, one `"Name" : value` line per field
// (Go's Println for numbers and booleans, %q for strings and bytes).
import * as rpc from '../../gen/etcdserverpb.js';
import * as authpb from '../../gen/authpb.js';
import * as mvccpb from '../../gen/mvccpb.js';
import { GoPanic } from '../exit.js';
import { goQuote } from './go-quote.js';

type Out = string[];

function hdr(out: Out, h: rpc.ResponseHeader | undefined): void {
  // etcdctl dereferences the header without a check.
  if (h === undefined) throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
  out.push(
    `"ClusterID" : ${h?.cluster_id ?? 0n}`,
    `"MemberID" : ${h?.member_id ?? 0n}`,
    `"Revision" : ${h?.revision ?? 0}`,
    `"RaftTerm" : ${h?.raft_term ?? 0}`,
  );
}

function kv(out: Out, pfx: string, k: mvccpb.KeyValue | undefined): void {
  out.push(
    `"${pfx}Key" : ${goQuote(k?.key ?? Buffer.alloc(0))}`,
    `"${pfx}CreateRevision" : ${k?.create_revision ?? 0}`,
    `"${pfx}ModRevision" : ${k?.mod_revision ?? 0}`,
    `"${pfx}Version" : ${k?.version ?? 0}`,
    `"${pfx}Value" : ${goQuote(k?.value ?? Buffer.alloc(0))}`,
    `"${pfx}Lease" : ${k?.lease ?? 0n}`,
  );
}

const text = (out: Out): string => out.map((l) => `${l}\n`).join('');

function delLines(out: Out, r: rpc.DeleteRangeResponse): void {
  hdr(out, r.header);
  out.push(`"Deleted" : ${r.deleted}`);
  for (const k of r.prev_kvs) kv(out, 'Prev', k);
}

function getLines(out: Out, r: rpc.RangeResponse): void {
  hdr(out, r.header);
  for (const k of r.kvs) kv(out, '', k);
  out.push(`"More" : ${r.more}`, `"Count" : ${r.count}`);
}

function putLines(out: Out, r: rpc.PutResponse): void {
  hdr(out, r.header);
  if (r.prev_kv !== undefined) kv(out, 'Prev', r.prev_kv);
}

export const fieldsDel = (r: rpc.DeleteRangeResponse): string => text(withOut((o) => delLines(o, r)));
export const fieldsGet = (r: rpc.RangeResponse): string => text(withOut((o) => getLines(o, r)));
export const fieldsPut = (r: rpc.PutResponse): string => text(withOut((o) => putLines(o, r)));

function withOut(f: (o: Out) => void): Out {
  const o: Out = [];
  f(o);
  return o;
}

export function fieldsTxn(r: rpc.TxnResponse): string {
  const o: Out = [];
  hdr(o, r.header);
  o.push(`"Succeeded" : ${r.succeeded}`);
  for (const op of r.responses) {
    if (op.response_delete_range !== undefined) delLines(o, op.response_delete_range);
    else if (op.response_put !== undefined) putLines(o, op.response_put);
    else if (op.response_range !== undefined) getLines(o, op.response_range);
  }
  return text(o);
}

export function fieldsWatch(r: rpc.WatchResponse): string {
  const o: Out = [];
  hdr(o, r.header);
  for (const e of r.events) {
    o.push(`"Type" : ${mvccpb.Event_EventType[e.type] ?? e.type}`);
    if (e.prev_kv !== undefined) kv(o, 'Prev', e.prev_kv);
    kv(o, '', e.kv);
  }
  return text(o);
}

export function fieldsLease(header: rpc.ResponseHeader | undefined, id: bigint, ttl: number): string {
  const o: Out = [];
  hdr(o, header);
  o.push(`"ID" : ${id}`, `"TTL" : ${ttl}`);
  return text(o);
}

export function fieldsHeader(header: rpc.ResponseHeader | undefined): string {
  const o: Out = [];
  hdr(o, header);
  return text(o);
}

export function fieldsTimeToLive(r: rpc.LeaseTimeToLiveResponse): string {
  const o: Out = [];
  hdr(o, r.header);
  o.push(`"ID" : ${r.ID}`, `"TTL" : ${r.TTL}`, `"GrantedTTL" : ${r.grantedTTL}`);
  for (const k of r.keys) o.push(`"Key" : ${goQuote(k)}`);
  return text(o);
}

export function fieldsLeases(r: rpc.LeaseLeasesResponse): string {
  const o: Out = [];
  hdr(o, r.header);
  for (const l of r.leases) o.push(`"ID" : ${l.ID}`);
  return text(o);
}

export function fieldsMemberList(r: rpc.MemberListResponse): string {
  const o: Out = [];
  hdr(o, r.header);
  for (const m of r.members) {
    o.push(`"ID" : ${m.ID}`, `"Name" : ${goQuote(m.name)}`);
    for (const u of m.peerURLs) o.push(`"PeerURL" : ${goQuote(u)}`);
    for (const u of m.clientURLs) o.push(`"ClientURL" : ${goQuote(u)}`);
    o.push(`"IsLearner" : ${m.isLearner}`, '');
  }
  return text(o);
}

export function fieldsHealth(list: { endpoint: string; healthy: boolean; took: string; error: string }[]): string {
  const o: Out = [];
  for (const h of list) {
    o.push(`"Endpoint" : ${goQuote(h.endpoint)}`, `"Health" : ${h.healthy}`, `"Took" : ${h.took}`, `"Error" : ${h.error}`, '');
  }
  return text(o);
}

export function fieldsStatus(list: { endpoint: string; status: rpc.StatusResponse }[]): string {
  const o: Out = [];
  for (const { endpoint, status: s } of list) {
    hdr(o, s.header);
    o.push(
      `"Version" : ${goQuote(s.version)}`,
      `"DBSize" : ${s.dbSize}`,
      `"Leader" : ${s.leader}`,
      `"IsLearner" : ${s.isLearner}`,
      `"RaftIndex" : ${s.raftIndex}`,
      `"RaftTerm" : ${s.raftTerm}`,
      `"RaftAppliedIndex" : ${s.raftAppliedIndex}`,
      `"Errors" : [${s.errors.join(' ')}]`,
      `"Endpoint" : ${goQuote(endpoint)}`,
      '',
    );
  }
  return text(o);
}

export function fieldsHashKV(list: { endpoint: string; hash: rpc.HashKVResponse }[]): string {
  const o: Out = [];
  for (const { endpoint, hash } of list) {
    hdr(o, hash.header);
    o.push(`"Endpoint" : ${goQuote(endpoint)}`, `"Hash" : ${hash.hash}`, '');
  }
  return text(o);
}

export function fieldsAlarm(r: rpc.AlarmResponse): string {
  const o: Out = [];
  hdr(o, r.header);
  for (const a of r.alarms) o.push(`"MemberID" : ${a.memberID}`, `"AlarmType" : ${rpc.AlarmType[a.alarm] ?? a.alarm}`, '');
  return text(o);
}

export function fieldsRoleGet(r: rpc.AuthRoleGetResponse): string {
  const o: Out = [];
  hdr(o, r.header);
  for (const p of r.perm) {
    // Go's Println puts a space between its operands: two spaces after the colon.
    o.push(`"PermType" :  ${authpb.Permission_Type[p.permType] ?? p.permType}`, `"Key" : ${goQuote(p.key)}`, `"RangeEnd" : ${goQuote(p.range_end)}`);
  }
  return text(o);
}

export function fieldsRoleList(r: rpc.AuthRoleListResponse): string {
  const o: Out = [];
  hdr(o, r.header);
  o.push(`"Roles" :${r.roles.map((name) => ` ${goQuote(name)}`).join('')}`);
  return text(o);
}
