// lease grant | revoke | timetolive | list | keep-alive.
import type { Command } from 'commander';
import * as rpc from '../gen/etcdserverpb.js';
import { ExitCode, badArgs } from './exit.js';
import { callFailed } from './call-errors.js';
import { fieldsHeader, fieldsLease, fieldsLeases, fieldsTimeToLive } from './format/fields.js';
import {
  grantJson,
  grantText,
  keepAliveJson,
  keepAliveText,
  leaseHex,
  leasesJson,
  leasesText,
  revokeText,
  timeToLiveJson,
  timeToLiveText,
} from './format/lease.js';
import { joinLines } from './format/lines.js';
import { protoJson } from './format/json.js';
import { openClient, readGlobals, withClient, type Globals } from './globals.js';
import { keepAliveUntilGone } from './lease-keepalive.js';
import { printText } from './io.js';
import { display, protobufBytes, type Renderers } from './output.js';
import { CtlError } from './exit.js';
import { parseInt64 } from './parse.js';

function leaseArg(arg: string | undefined, usage: string): bigint {
  if (arg === undefined) throw badArgs(usage);
  try {
    return parseInt64(arg, 16);
  } catch (e) {
    throw badArgs(`bad lease ID arg (${(e as Error).message}), expecting ID in Hex`);
  }
}

/**
 * clientv3's lease responses embed *ResponseHeader, so etcdctl's protobuf
 * printer marshals only the header.
 */
const headerBytes = (h: rpc.ResponseHeader | undefined) => (): Buffer => protobufBytes(rpc.ResponseHeader, h ?? {});

/** The response as Go's %v shows it: the header in protobuf's compact text form. */
function headerText(h: rpc.ResponseHeader | undefined): string {
  const fields: [string, bigint | number][] = [
    ['cluster_id', h?.cluster_id ?? 0n],
    ['member_id', h?.member_id ?? 0n],
    ['revision', h?.revision ?? 0],
    ['raft_term', h?.raft_term ?? 0],
  ];
  return `{${fields.filter(([, v]) => v !== 0 && v !== 0n).map(([k, v]) => `${k}:${v} `).join('')}}`;
}

function keepAliveRenderers(r: rpc.LeaseKeepAliveResponse): Renderers {
  return {
    simple: () => `${keepAliveText(r)}\n`,
    json: () => `${keepAliveJson(r)}\n`,
    fields: () => fieldsLease(r.header, r.ID, r.TTL),
    protobuf: headerBytes(r.header),
  };
}

export function registerLeaseCommands(program: Command): void {
  const lease = program.command('lease').description('Lease related commands');

  lease
    .command('grant')
    .description('Creates leases')
    .usage('<ttl>')
    .argument('[ttl...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('lease grant command needs TTL argument');
      let ttl: bigint;
      try {
        ttl = parseInt64(args[0]!, 10);
      } catch (e) {
        throw badArgs(`bad TTL (${(e as Error).message})`);
      }
      const r = await withClient(g, (c) => c.leaseGrant(Number(ttl))).catch((e: unknown) => {
        throw callFailed(e, ExitCode.Error, (m) => `failed to grant lease (${m})`);
      });
      display(g, {
        simple: () => `${grantText(r)}\n`,
        json: () => `${grantJson(r)}\n`,
        fields: () => fieldsLease(r.header, r.ID, r.TTL),
        protobuf: headerBytes(r.header),
      });
    });

  lease
    .command('revoke')
    .description('Revokes leases')
    .usage('<leaseID>')
    .argument('[leaseID...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('lease revoke command needs 1 argument');
      const id = leaseArg(args[0], 'lease revoke command needs 1 argument');
      const r = await withClient(g, (c) => c.leaseRevoke(id)).catch((e: unknown) => {
        throw callFailed(e, ExitCode.Error, (m) => `failed to revoke lease (${m})`);
      });
      display(g, {
        simple: () => `${revokeText(id)}\n`,
        json: () => `${protoJson(r)}\n`,
        fields: () => fieldsHeader(r.header),
        // etcdctl hands the response by value to a printer wanting a pointer.
        protobuf: () => {
          throw new CtlError(`marshal unsupported for type clientv3.LeaseRevokeResponse (${headerText(r.header)})`, ExitCode.BadFeature);
        },
      });
    });

  lease
    .command('timetolive')
    .description('Get lease information')
    .usage('[options] <leaseID>')
    .argument('[leaseID...]')
    .option('--keys', 'Get keys attached to this lease')
    .action(async (args: string[], flags: { keys?: boolean }, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('lease timetolive command needs lease ID as argument');
      const id = leaseArg(args[0], 'lease timetolive command needs lease ID as argument');
      const r = await withClient(g, (c) => c.leaseTimeToLive(id, flags.keys === true)).catch((e: unknown) => {
        throw callFailed(e, ExitCode.BadConnection);
      });
      display(g, {
        simple: () => `${timeToLiveText(r, flags.keys === true)}\n`,
        json: () => `${timeToLiveJson(r)}\n`,
        fields: () => fieldsTimeToLive(r),
        protobuf: headerBytes(r.header),
      });
    });

  lease
    .command('list')
    .description('List all active leases')
    .action(async (_flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      const r = await withClient(g, (c) => c.leaseLeases()).catch((e: unknown) => {
        throw callFailed(e, ExitCode.BadConnection, (m) => `failed to list leases (${m})`);
      });
      display(g, {
        simple: () => joinLines(leasesText(r)),
        json: () => `${leasesJson(r)}\n`,
        fields: () => fieldsLeases(r),
        protobuf: headerBytes(r.header),
      });
    });

  lease
    .command('keep-alive')
    .description('Keeps leases alive (renew)')
    .usage('[options] <leaseID>')
    .argument('[leaseID...]')
    .option('--once', 'Resets the keep-alive time to its original value and exits immediately')
    .action(async (args: string[], flags: { once?: boolean }, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('lease keep-alive command needs lease ID as argument');
      const id = leaseArg(args[0], 'lease keep-alive command needs lease ID as argument');
      if (flags.once) {
        // etcdctl gives this call no deadline. A stream, not a unary call: etcd's client logs nothing when it fails.
        const client = await openClient(g);
        const r = await client
          .leaseKeepAliveOnce(id, { timeoutMs: 0 })
          .catch((e: unknown) => {
            throw callFailed(e, ExitCode.BadConnection);
          })
          .finally(() => client.close());
        display(g, keepAliveRenderers(r));
        return;
      }
      await keepAliveAll(g, id);
    });
}

async function keepAliveAll(g: Globals, id: bigint): Promise<void> {
  const client = await openClient(g);
  try {
    await keepAliveUntilGone(client, id, (r) => display(g, keepAliveRenderers(r)), g.dialTimeoutMs + 1000);
  } catch (e) {
    throw callFailed(e, ExitCode.BadConnection);
  } finally {
    client.close();
  }
  if (g.format === 'simple') printText(`lease ${leaseHex(id)} expired or revoked.\n`);
}
