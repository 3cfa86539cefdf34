// Output of member list, endpoint status/health/hashkv and alarm, as etcdctl
// prints them: simple rows are the table's cells joined by ", ".
import * as rpc from '../../gen/etcdserverpb.js';
import { formatGoDuration } from './go-duration.js';
import { humanizeBytes } from './humanize.js';
import { structJson } from './json.js';
import { renderTable } from './table.js';

export type Format = 'simple' | 'table';

function render(format: Format, header: string[], rows: string[][]): string {
  if (format === 'table') return renderTable(header, rows);
  return rows.map((r) => `${r.join(', ')}\n`).join('');
}

// ---- member list ----

const MEMBER_HEADER = ['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER'];

export function memberRow(m: rpc.Member): string[] {
  // A member that has not started yet has no name.
  const status = m.name === '' ? 'unstarted' : 'started';
  return [m.ID.toString(16), status, m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner)];
}

export function memberListOutput(r: rpc.MemberListResponse, format: Format): string {
  return render(format, MEMBER_HEADER, r.members.map(memberRow));
}

// ---- endpoint status ----

export interface EndpointStatus {
  endpoint: string;
  status: rpc.StatusResponse;
}

const STATUS_HEADER = [
  'ENDPOINT',
  'ID',
  'VERSION',
  'DB SIZE',
  'IS LEADER',
  'IS LEARNER',
  'RAFT TERM',
  'RAFT INDEX',
  'RAFT APPLIED INDEX',
  'ERRORS',
];

export function statusRow({ endpoint, status: s }: EndpointStatus): string[] {
  const member = s.header?.member_id ?? 0n;
  return [
    endpoint,
    member.toString(16),
    s.version,
    humanizeBytes(s.dbSize),
    String(s.leader === member),
    String(s.isLearner),
    String(s.raftTerm),
    String(s.raftIndex),
    String(s.raftAppliedIndex),
    s.errors.join(', '),
  ];
}

export function statusOutput(list: EndpointStatus[], format: Format): string {
  return render(format, STATUS_HEADER, list.map(statusRow));
}

export function statusJson(list: EndpointStatus[]): string {
  return `[${list.map((e) => structJson({ Endpoint: e.endpoint, Status: e.status })).join(',')}]\n`;
}

// ---- endpoint hashkv ----

export interface EndpointHash {
  endpoint: string;
  hash: rpc.HashKVResponse;
}

export function hashOutput(list: EndpointHash[], format: Format): string {
  return render(format, ['ENDPOINT', 'HASH'], list.map((e) => [e.endpoint, String(e.hash.hash)]));
}

export function hashJson(list: EndpointHash[]): string {
  return `[${list.map((e) => structJson({ Endpoint: e.endpoint, HashKV: e.hash })).join(',')}]\n`;
}

// ---- endpoint health ----

export interface EndpointHealth {
  endpoint: string;
  healthy: boolean;
  tookNs: bigint;
  error: string;
}

/** Simple health output goes to stderr in etcdctl; this is its text. */
export function healthText(list: EndpointHealth[]): string {
  return list
    .map((h) =>
      h.healthy
        ? `${h.endpoint} is healthy: successfully committed proposal: took = ${formatGoDuration(h.tookNs)}\n`
        : `${h.endpoint} is unhealthy: failed to commit proposal: ${h.error}\n`,
    )
    .join('');
}

export function healthOutput(list: EndpointHealth[], format: 'json' | 'table'): string {
  if (format === 'table') {
    const rows = list.map((h) => [h.endpoint, String(h.healthy), formatGoDuration(h.tookNs), h.error]);
    return renderTable(['ENDPOINT', 'HEALTH', 'TOOK', 'ERROR'], rows);
  }
  const items = list.map((h) => {
    const o: Record<string, unknown> = { endpoint: h.endpoint, health: h.healthy, took: formatGoDuration(h.tookNs) };
    if (h.error !== '') o['error'] = h.error;
    return structJson(o);
  });
  return `[${items.join(',')}]\n`;
}

// ---- alarm ----

export function alarmText(r: rpc.AlarmResponse): string {
  return r.alarms.map((a) => `memberID:${a.memberID} alarm:${rpc.AlarmType[a.alarm] ?? a.alarm} \n`).join('');
}
