// Output normalizers and assertions for etcdctl runs. IDs (cluster, member,
// lease), raft terms, endpoints' ports and timings differ between the
// reference recording (3-node cluster) and a fresh single node; revisions do
// not, and are compared exactly.
import { expect } from 'vitest';
import type { CtlResult } from './etcdctl.js';
import { RawEtcdClient } from './grpc.js';
import type { NodeHandle } from './node.js';

export interface WarnLine {
  level: string;
  caller: string;
  msg: string;
  target: string;
  attempt: number;
  error: string;
}

// "endpoint://client-<uuid>/<host:port>" for --endpoints; "passthrough:///<url>" for the
// per-member clients of --cluster commands.
const WARN_TARGET = /^(endpoint:\/\/client-[0-9a-f-]{36}\/127\.0\.0\.1:\d+|passthrough:\/\/\/http:\/\/127\.0\.0\.1:\d+)$/;

function isWarnLine(line: string): boolean {
  return line.startsWith('{"level":"warn"') && line.includes('"caller":"clientv3/retry_interceptor.go');
}

/** Splits stderr into etcdctl's retry-interceptor warn JSON lines and everything else. */
export function splitStderr(stderr: string): { warns: WarnLine[]; rest: string } {
  const warns: WarnLine[] = [];
  const rest: string[] = [];
  for (const line of stderr.split('\n')) {
    if (isWarnLine(line)) warns.push(JSON.parse(line) as WarnLine);
    else rest.push(line);
  }
  return { warns, rest: rest.join('\n') };
}

export interface Expected {
  stdout?: string;
  /** stderr without the retry-interceptor warn lines. Default ''. */
  stderr?: string;
  /** Expected `error` fields of the warn lines, in order; 'any' = don't check them. Default: none. */
  warn?: string[] | 'any';
  code: number;
}

/**
 * Asserts stdout, stderr (warn lines reduced to their `error` field, after
 * checking their fixed fields), and the exit status, all at once for a
 * readable diff. `norm` is applied to stdout and stderr first.
 */
export function expectRun(res: CtlResult, exp: Expected, norm: (s: string) => string = (s) => s): void {
  const { warns, rest } = splitStderr(res.stderr);
  for (const w of warns) {
    expect(w.level).toBe('warn');
    expect(w.msg).toBe('retrying of unary invoker failed');
    expect(w.caller).toBe('clientv3/retry_interceptor.go:62');
    expect(w.target).toMatch(WARN_TARGET);
    expect(typeof w.attempt).toBe('number');
  }
  const actual = {
    stdout: norm(res.stdout),
    stderr: norm(rest),
    warn: exp.warn === 'any' ? 'any' : warns.map((w) => w.error),
    code: res.code,
  };
  const expected = {
    stdout: exp.stdout ?? '',
    stderr: exp.stderr ?? '',
    warn: exp.warn ?? [],
    code: exp.code,
  };
  expect(actual).toEqual(expected);
}

/** Success with the given stdout and nothing on stderr. */
export function expectOk(res: CtlResult, stdout: string, norm?: (s: string) => string): void {
  expectRun(res, { stdout, code: 0 }, norm);
}

/**
 * The usual failure of a unary RPC: one warn line carrying the gRPC error,
 * then `Error: <message>`, exit 1.
 */
export function expectRpcError(res: CtlResult, grpcCode: string, message: string, exitCode = 1): void {
  expectRun(res, {
    warn: [`rpc error: code = ${grpcCode} desc = ${message}`],
    stderr: `Error: ${message}\n`,
    code: exitCode,
  });
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces a node's IDs with placeholders, by context (never by bare value, so
 * that small IDs can't clobber revisions): cluster/member/lease IDs in JSON and
 * `-w fields` output, member IDs in member-list / endpoint-status lines and
 * table cells, 16-digit hex lease IDs anywhere; raft terms; the node's client
 * endpoint and peer URL. An ID the normalizer doesn't know is left as is, so a
 * wrong ID shows up in the diff.
 */
export class Normalizer {
  private readonly dec = new Map<string, string>();
  private readonly hex = new Map<string, string>();
  private readonly literal: Array<[string, string]> = [];

  constructor(
    readonly clusterId: bigint,
    readonly memberId: bigint,
    node: NodeHandle,
  ) {
    this.addId(clusterId, '<CLUSTER_ID>');
    this.addId(memberId, '<MEMBER_ID>');
    this.literal.push([node.clientUrl, '<CLIENT_URL>'], [node.peerUrl, '<PEER_URL>'], [node.endpoint, '<EP>']);
  }

  static async forNode(node: NodeHandle): Promise<Normalizer> {
    const c = new RawEtcdClient(node.endpoint);
    try {
      const st = await c.status();
      return new Normalizer(st.header.clusterId, st.header.memberId, node);
    } finally {
      c.close();
    }
  }

  /** Registers an ID (printed as decimal, %x or %016x) under a placeholder. */
  addId(id: bigint, label: string): void {
    this.dec.set(id.toString(10), label);
    this.hex.set(id.toString(16), label);
    this.hex.set(id.toString(16).padStart(16, '0'), label);
  }

  /** For one table cell: an ID alone in the cell, else apply(). */
  readonly cell = (s: string): string => this.hex.get(s) ?? this.dec.get(s) ?? this.apply(s);

  readonly apply = (s: string): string => {
    let out = s;
    for (const [lit, rep] of this.literal) out = out.split(lit).join(rep);
    const dec = (whole: string, pre: string, v: string): string => {
      const l = this.dec.get(v);
      return l === undefined ? whole : pre + l;
    };
    const hex = (whole: string, pre: string, v: string): string => {
      const l = this.hex.get(v);
      return l === undefined ? whole : pre + l;
    };
    out = out.replace(/("(?:cluster_id|member_id|leader|ID|id|lease)":)(\d+)/g, dec);
    out = out.replace(/("(?:ClusterID|MemberID|Lease)" : )(\d+)/g, dec);
    out = out.replace(/(memberID:)(\d+)/g, dec);
    out = out.replace(/(^|[^0-9a-zA-Z])([0-9a-f]{16})(?![0-9a-zA-Z])/g, hex);
    // etcdctl's member add/remove/update/promote lines print the cluster ID as %16x: padded with
    // spaces, so an ID with a leading zero digit has two spaces before it. The padding goes too.
    out = out.replace(/ (to|from|in) cluster +([0-9a-f]+)(?![0-9a-zA-Z])/g, (whole: string, word: string, v: string) => {
      const l = this.hex.get(v);
      return l === undefined ? whole : ` ${word} cluster ${l}`;
    });
    out = out.replace(/(^)([0-9a-f]+)(?=, )/gm, hex);
    out = out.replace(/(<EP>, )([0-9a-f]+)(?=, )/g, hex);
    out = out.replace(/(\| +)([0-9a-f]+)(?= \|)/g, hex);
    out = out.replace(/("raft_term":|"raftTerm":|"RaftTerm" : )\d+/g, '$1<TERM>');
    return out;
  };
}

/** Parses "lease <16 hex> granted with TTL(<n>s)". */
export function parseLeaseGrant(stdout: string): { id: bigint; hex: string; ttl: number } {
  const m = /^lease ([0-9a-f]{16}) granted with TTL\((\d+)s\)\n$/.exec(stdout);
  if (m === null) throw new Error(`unexpected lease grant output: ${JSON.stringify(stdout)}`);
  const hex = m[1] as string;
  return { id: BigInt(`0x${hex}`), hex, ttl: Number(m[2]) };
}

/** The decimal string of a 64-bit field in etcdctl's JSON output (JSON.parse would round it). */
export function jsonUint(json: string, field: string): bigint {
  const m = new RegExp(`"${escapeRe(field)}":(-?\\d+)`).exec(json);
  if (m === null) throw new Error(`no numeric field ${field} in ${json}`);
  return BigInt(m[1] as string);
}

/**
 * Parses etcdctl's ASCII tables (tablewriter) into trimmed cells, checking the
 * frame: +---+ borders above and below the header and at the end, every line
 * as wide as the border, and '|' at the border's '+' positions. tablewriter
 * wraps long cells at spaces onto extra lines whose first cell is empty: those
 * are joined back onto their row. `norm` is applied to each finished cell.
 */
export function parseTable(text: string, norm: (cell: string) => string = (c) => c): { header: string[]; rows: string[][] } {
  const lines = text.replace(/\n$/, '').split('\n');
  const border = lines[0] ?? '';
  if (!/^\+(-+\+)+$/.test(border)) throw new Error(`not a table border: ${JSON.stringify(border)}\n${text}`);
  const cuts: number[] = [];
  for (let i = 0; i < border.length; i++) if (border[i] === '+') cuts.push(i);
  const cells = (line: string): string[] => {
    if (line.length !== border.length) throw new Error(`table line width ${line.length} != ${border.length}: ${JSON.stringify(line)}`);
    for (const c of cuts) if (line[c] !== '|') throw new Error(`table line without '|' at column ${c}: ${JSON.stringify(line)}`);
    const out: string[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) out.push(line.slice((cuts[i] as number) + 1, cuts[i + 1]).trim());
    return out;
  };
  if (lines.length < 4 || lines[2] !== border || lines[lines.length - 1] !== border) {
    throw new Error(`malformed table:\n${text}`);
  }
  const rows: string[][] = [];
  for (const line of lines.slice(3, -1)) {
    const row = cells(line);
    const prev = rows[rows.length - 1];
    if (row[0] === '' && prev !== undefined) {
      rows[rows.length - 1] = prev.map((c, i) => (row[i] ? `${c} ${row[i]}` : c));
    } else {
      rows.push(row);
    }
  }
  return { header: cells(lines[1] ?? '').map(norm), rows: rows.map((r) => r.map(norm)) };
}
