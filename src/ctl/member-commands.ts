// member list | add | remove | update | promote.
import type { Command } from 'commander';
import * as rpc from '../gen/etcdserverpb.js';
import { badArgs } from './exit.js';
import { callFailed } from './call-errors.js';
import { memberListOutput } from './format/cluster.js';
import { fieldsMemberList } from './format/fields.js';
import { goQuote } from './format/go-quote.js';
import { protoJson } from './format/json.js';
import { readGlobals, withClient, type Globals } from './globals.js';
import { display, protobufBytes } from './output.js';

/** A member ID argument: hexadecimal uint64, as strconv.ParseUint(s, 16, 64) takes it. */
function memberIdArg(args: string[]): bigint {
  if (args.length !== 1) throw badArgs('member ID is not provided');
  const s = args[0]!;
  const bad = (why: string): never => {
    throw badArgs(`bad member ID arg (strconv.ParseUint: parsing ${JSON.stringify(s)}: ${why}), expecting ID in Hex`);
  };
  if (!/^[0-9a-fA-F]+$/.test(s)) bad('invalid syntax');
  const id = BigInt(`0x${s}`);
  if (id >= 2n ** 64n) bad('value out of range');
  return id;
}

/** Go's %16x: hex, space-padded to 16. */
const hex16 = (v: bigint): string => v.toString(16).padStart(16, ' ');

function peerUrls(flags: { peerUrls?: string }): string[] {
  if (flags.peerUrls === undefined || flags.peerUrls === '') throw badArgs('member peer urls not provided');
  return flags.peerUrls.split(',');
}

function clusterId(h: rpc.ResponseHeader | undefined): bigint {
  return h?.cluster_id ?? 0n;
}

async function call<T>(g: Globals, fn: Parameters<typeof withClient<T>>[1]): Promise<T> {
  return withClient(g, fn).catch((e: unknown) => {
    throw callFailed(e);
  });
}

export function registerMemberCommands(program: Command): void {
  const member = program.command('member').description('Membership related commands');

  member
    .command('list')
    .description('Lists all members in the cluster')
    .action(async (_flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      const r = await call(g, (c) => c.memberList());
      display(g, {
        simple: () => memberListOutput(r, 'simple'),
        table: () => memberListOutput(r, 'table'),
        json: () => `${protoJson(r)}\n`,
        fields: () => fieldsMemberList(r),
        protobuf: () => protobufBytes(rpc.MemberListResponse, r),
      });
    });

  member
    .command('add')
    .description('Adds a member into the cluster')
    .usage('<memberName> [options]')
    .argument('[memberName...]')
    .option('--peer-urls <urls>', 'comma separated peer URLs for the new member.')
    .option('--learner', 'indicates if the new member is raft learner')
    .action(async (args: string[], flags: { peerUrls?: string; learner?: boolean }, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length < 1) throw badArgs('member name not provided');
      if (args.length > 1) {
        let ev = 'too many arguments';
        for (const s of args) if (s.toLowerCase().startsWith('http')) ev += `, did you mean --peer-urls=${s}`;
        throw badArgs(ev);
      }
      const name = args[0]!;
      const urls = peerUrls(flags);
      const r = await call(g, (c) => c.unary(rpc.ClusterService.MemberAdd, { peerURLs: urls, isLearner: flags.learner === true }));
      display(g, {
        simple: () => memberAddText(r, name, flags.peerUrls!),
        json: () => `${protoJson(r)}\n`,
        protobuf: () => protobufBytes(rpc.MemberAddResponse, r),
      });
    });

  member
    .command('remove')
    .description('Removes a member from the cluster')
    .usage('<memberID>')
    .argument('[memberID...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      const id = memberIdArg(args);
      const r = await call(g, (c) => c.unary(rpc.ClusterService.MemberRemove, { ID: id }));
      display(g, {
        simple: () => `Member ${hex16(id)} removed from cluster ${hex16(clusterId(r.header))}\n`,
        json: () => `${protoJson(r)}\n`,
        protobuf: () => protobufBytes(rpc.MemberRemoveResponse, r),
      });
    });

  member
    .command('update')
    .description('Updates a member in the cluster')
    .usage('<memberID> [options]')
    .argument('[memberID...]')
    .option('--peer-urls <urls>', 'comma separated peer URLs for the updated member.')
    .action(async (args: string[], flags: { peerUrls?: string }, cmd: Command) => {
      const g = readGlobals(cmd);
      const id = memberIdArg(args);
      const urls = peerUrls(flags);
      const r = await call(g, (c) => c.unary(rpc.ClusterService.MemberUpdate, { ID: id, peerURLs: urls }));
      display(g, {
        simple: () => `Member ${hex16(id)} updated in cluster ${hex16(clusterId(r.header))}\n`,
        json: () => `${protoJson(r)}\n`,
        protobuf: () => protobufBytes(rpc.MemberUpdateResponse, r),
      });
    });

  member
    .command('promote')
    .description('Promotes a non-voting member in the cluster')
    .usage('<memberID>')
    .argument('[memberID...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      const id = memberIdArg(args);
      const r = await call(g, (c) => c.unary(rpc.ClusterService.MemberPromote, { ID: id }));
      // etcdctl 3.4 has only a simple printer for promote (the others crash).
      display(g, { simple: () => `Member ${hex16(id)} promoted in cluster ${hex16(clusterId(r.header))}\n` });
    });
}

/** The simple output of member add: the line, then the new member's etcd settings. */
function memberAddText(r: rpc.MemberAddResponse, name: string, urlFlag: string): string {
  const newId = r.member?.ID ?? 0n;
  const conf: string[] = [];
  for (const m of r.members) {
    for (const u of m.peerURLs) conf.push(`${m.ID === newId ? name : m.name}=${u}`);
  }
  return (
    `Member ${hex16(newId)} added to cluster ${hex16(clusterId(r.header))}\n` +
    '\n' +
    `ETCD_NAME=${goQuote(name)}\n` +
    `ETCD_INITIAL_CLUSTER=${goQuote(conf.join(','))}\n` +
    `ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(urlFlag)}\n` +
    'ETCD_INITIAL_CLUSTER_STATE="existing"\n'
  );
}
