// endpoint status | health | hashkv: one call per endpoint, each on its own client.
import * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import type { EtcdClient } from '../client/etcd-client.js';
import { EtcdClientError } from '../client/errors.js';
import * as rpc from '../gen/etcdserverpb.js';
import { CtlError, ExitCode } from './exit.js';
import { errorMessage } from './call-errors.js';
import {
  healthOutput,
  healthText,
  hashJson,
  hashOutput,
  statusJson,
  statusOutput,
  type EndpointHash,
  type EndpointHealth,
  type EndpointStatus,
} from './format/cluster.js';
import { readGlobals, withClient, type Globals } from './globals.js';
import { fieldsHashKV, fieldsHealth, fieldsStatus } from './format/fields.js';
import { formatGoDuration } from './format/go-duration.js';
import { printErr } from './io.js';
import { display } from './output.js';

/** --cluster: every member's client URLs (from a member list), else --endpoints. */
export async function targetEndpoints(g: Globals, cluster: boolean): Promise<string[]> {
  if (!cluster) return g.endpoints;
  const r = await withClient(g, (c) => c.memberList());
  const urls = r.members.flatMap((m) => m.clientURLs);
  return [...new Set(urls)];
}

/** Runs `fn` against each endpoint separately; failures are reported per endpoint. */
async function perEndpoint<T>(
  g: Globals,
  endpoints: string[],
  fn: (c: EtcdClient) => Promise<T>,
): Promise<{ endpoint: string; result?: T; error?: unknown }[]> {
  return Promise.all(
    endpoints.map(async (endpoint) => {
      try {
        return { endpoint, result: await withClient(g, fn, [endpoint]) };
      } catch (error) {
        return { endpoint, error };
      }
    }),
  );
}

async function checkHealth(c: EtcdClient): Promise<{ tookNs: bigint; error: string }> {
  const start = process.hrtime.bigint();
  try {
    await c.range('health');
  } catch (e) {
    // Permission denied still went through consensus: the member is healthy.
    if (!(e instanceof EtcdClientError && e.code === grpc.status.PERMISSION_DENIED)) {
      return { tookNs: process.hrtime.bigint() - start, error: errorMessage(e) };
    }
  }
  const tookNs = process.hrtime.bigint() - start;
  try {
    const alarms = await c.alarmList();
    if (alarms.alarms.length > 0) {
      return { tookNs, error: `Active Alarm(s): ${alarms.alarms.map((a) => rpc.AlarmType[a.alarm]).join(' ')}` };
    }
  } catch {
    return { tookNs, error: 'Unable to fetch the alarm list' };
  }
  return { tookNs, error: '' };
}

export function registerEndpointCommands(program: Command): void {
  // --cluster is persistent in etcdctl: `endpoint --cluster health` works too.
  const endpoint = program
    .command('endpoint')
    .description('Endpoint related commands')
    .option('--cluster', 'use all endpoints from the cluster member list');

  endpoint
    .command('status')
    .description('Prints out the status of endpoints specified in `--endpoints` flag')
    .option('--cluster', 'use all endpoints from the cluster member list')
    .action(async (_flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      const results = await perEndpoint(g, await targetEndpoints(g, cmd.optsWithGlobals<{ cluster?: boolean }>().cluster === true), (c) => c.status());
      const ok: EndpointStatus[] = [];
      for (const r of results) {
        if (r.result !== undefined) ok.push({ endpoint: r.endpoint, status: r.result });
        else printErr(`Failed to get the status of endpoint ${r.endpoint} (${errorMessage(r.error)})\n`);
      }
      display(g, {
        simple: () => statusOutput(ok, 'simple'),
        table: () => statusOutput(ok, 'table'),
        json: () => statusJson(ok),
        fields: () => fieldsStatus(ok),
      });
      if (ok.length < results.length) process.exitCode = ExitCode.Error;
    });

  endpoint
    .command('hashkv')
    .description('Prints the KV history hash for each endpoint in --endpoints')
    .option('--rev <n>', 'maximum revision to hash (default: all revisions)', '0')
    .option('--cluster', 'use all endpoints from the cluster member list')
    .action(async (flags: { rev: string; cluster?: boolean }, cmd: Command) => {
      const g = readGlobals(cmd);
      const rev = Number(flags.rev);
      if (!Number.isInteger(rev)) throw new CtlError(`invalid --rev ${flags.rev}`, ExitCode.BadArgs);
      const results = await perEndpoint(g, await targetEndpoints(g, cmd.optsWithGlobals<{ cluster?: boolean }>().cluster === true), (c) => c.hashKV(rev));
      const ok: EndpointHash[] = [];
      for (const r of results) {
        if (r.result !== undefined) ok.push({ endpoint: r.endpoint, hash: r.result });
        else printErr(`Failed to get the hash of endpoint ${r.endpoint} (${errorMessage(r.error)})\n`);
      }
      display(g, {
        simple: () => hashOutput(ok, 'simple'),
        table: () => hashOutput(ok, 'table'),
        json: () => hashJson(ok),
        fields: () => fieldsHashKV(ok),
      });
      if (ok.length < results.length) process.exitCode = ExitCode.Error;
    });

  endpoint
    .command('health')
    .description('Checks the healthiness of endpoints specified in `--endpoints` flag')
    .option('--cluster', 'use all endpoints from the cluster member list')
    .action(async (_flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      const results = await perEndpoint(g, await targetEndpoints(g, cmd.optsWithGlobals<{ cluster?: boolean }>().cluster === true), checkHealth);
      const list: EndpointHealth[] = results.map((r) => {
        const h = r.result ?? { tookNs: 0n, error: errorMessage(r.error) };
        return { endpoint: r.endpoint, healthy: h.error === '', tookNs: h.tookNs, error: h.error };
      });
      // etcdctl writes the simple form to stderr.
      display(g, {
        simple: () => {
          printErr(healthText(list));
          return '';
        },
        table: () => healthOutput(list, 'table'),
        json: () => healthOutput(list, 'json'),
        fields: () => fieldsHealth(list.map((h) => ({ ...h, took: formatGoDuration(h.tookNs) }))),
      });
      if (list.some((h) => !h.healthy)) throw new CtlError('unhealthy cluster', ExitCode.Error);
    });
}
