// lease grant | revoke | timetolive | list | keep-alive.
import * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import * as rpc from '../gen/etcdserverpb.js';
import type { EtcdClient } from '../client/etcd-client.js';
import { EtcdClientError, toClientError } from '../client/errors.js';
import { ExitCode, badArgs, callFailed } from './exit.js';
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
import { protoJson } from './format/json.js';
import { connect, readGlobals, requireFormat, withClient, type Globals } from './globals.js';
import { printLines, printText } from './io.js';
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
 * Renews until interrupted, every TTL/3 as etcd's client does; returns when the
 * lease is gone. Stream failures reject.
 */
function keepAliveLoop(client: EtcdClient, id: bigint, onRenewed: (r: rpc.LeaseKeepAliveResponse) => void): Promise<void> {
  const endpoint = client.endpoint;
  const stream = client.bidi(rpc.LeaseService.LeaseKeepAlive);
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      stream.end();
      stream.cancel();
    };
    stream.on('data', (r: rpc.LeaseKeepAliveResponse) => {
      if (r.TTL <= 0) {
        stop();
        resolve();
        return;
      }
      onRenewed(r);
      timer = setTimeout(() => stream.write({ ID: id }), Math.max(500, (r.TTL * 1000) / 3));
    });
    stream.on('error', (e: unknown) => {
      const err = toClientError(e, endpoint);
      if (err.code === grpc.status.CANCELLED) return; // our own stop()
      stop();
      reject(err);
    });
    stream.on('end', () => {
      stop();
      reject(new EtcdClientError(grpc.status.UNAVAILABLE, 'keep-alive stream closed by the server', endpoint));
    });
    stream.write({ ID: id });
  });
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
      requireFormat(g, 'simple', 'json');
      const r = await withClient(g, (c) => c.leaseGrant(Number(ttl))).catch((e: unknown) => {
        throw callFailed(e, ExitCode.Error, (m) => `failed to grant lease (${m})`);
      });
      printText(`${g.format === 'json' ? grantJson(r) : grantText(r)}\n`);
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
      requireFormat(g, 'simple', 'json');
      const r = await withClient(g, (c) => c.leaseRevoke(id)).catch((e: unknown) => {
        throw callFailed(e, ExitCode.Error, (m) => `failed to revoke lease (${m})`);
      });
      printText(`${g.format === 'json' ? protoJson(r) : revokeText(id)}\n`);
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
      requireFormat(g, 'simple', 'json');
      const r = await withClient(g, (c) => c.leaseTimeToLive(id, flags.keys === true)).catch((e: unknown) => {
        throw callFailed(e, ExitCode.BadConnection);
      });
      printText(`${g.format === 'json' ? timeToLiveJson(r) : timeToLiveText(r, flags.keys === true)}\n`);
    });

  lease
    .command('list')
    .description('List all active leases')
    .action(async (_flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      requireFormat(g, 'simple', 'json');
      const r = await withClient(g, (c) => c.leaseLeases()).catch((e: unknown) => {
        throw callFailed(e, ExitCode.BadConnection, (m) => `failed to list leases (${m})`);
      });
      if (g.format === 'json') printText(`${leasesJson(r)}\n`);
      else printLines(leasesText(r));
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
      requireFormat(g, 'simple', 'json');
      const print = (r: rpc.LeaseKeepAliveResponse): void =>
        printText(`${g.format === 'json' ? keepAliveJson(r) : keepAliveText(r)}\n`);
      if (flags.once) {
        const r = await withClient(g, (c) => c.leaseKeepAliveOnce(id)).catch((e: unknown) => {
          throw callFailed(e, ExitCode.BadConnection);
        });
        print(r);
        return;
      }
      await keepAliveUntilGone(g, id, print);
    });
}

async function keepAliveUntilGone(g: Globals, id: bigint, print: (r: rpc.LeaseKeepAliveResponse) => void): Promise<void> {
  const client = connect(g);
  try {
    await keepAliveLoop(client, id, print);
  } catch (e) {
    throw callFailed(e, ExitCode.BadConnection);
  } finally {
    client.close();
  }
  if (g.format === 'simple') printText(`lease ${leaseHex(id)} expired or revoked.\n`);
}
