// elect: etcd's client-side election (clientv3/concurrency). A campaigner puts
// "<name>/<lease hex>" = proposal under its session lease and leads once every
// key created before it is gone; an observer (-l) prints the leader's key and
// value at each change.
import type { Command } from 'commander';
import type { EtcdClient } from '../client/etcd-client.js';
import { prefixEnd } from '../client/key-range.js';
import * as rpc from '../gen/etcdserverpb.js';
import * as mvccpb from '../gen/mvccpb.js';
import { FIRST_CREATE, waitDeletes } from './concurrency.js';
import { CtlError, ExitCode, badArgs } from './exit.js';
import { callFailed } from './call-errors.js';
import { openClient, readGlobals, type Globals } from './globals.js';
import { getRenderers } from './kv-display.js';
import { keepAliveUntilGone } from './lease-keepalive.js';
import { display } from './output.js';

/** etcd's default session TTL, in seconds. */
const SESSION_TTL = 60;

function onSignal(): AbortController {
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return stop;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve())));
}

async function campaign(g: Globals, client: EtcdClient, name: string, proposal: string): Promise<void> {
  const lease = (await client.leaseGrant(SESSION_TTL)).ID;
  const session = keepAliveUntilGone(client, lease, () => undefined, g.dialTimeoutMs + 1000).catch(() => undefined);
  const stop = onSignal();
  const pfx = Buffer.from(`${name}/`, 'utf8');
  const key = Buffer.from(`${name}/${lease.toString(16)}`, 'utf8');
  const value = Buffer.from(proposal, 'utf8');
  const resp = await client.txn({
    compare: [{ target: rpc.Compare_CompareTarget.CREATE, result: rpc.Compare_CompareResult.EQUAL, key, create_revision: 0 }],
    success: [{ request_put: { key, value, lease } }],
    failure: [{ request_range: { key } }],
  });
  let leaderRev = resp.header?.revision ?? 0;
  if (!resp.succeeded) {
    const kv = resp.responses[0]?.response_range?.kvs[0];
    leaderRev = kv?.create_revision ?? leaderRev;
    if (kv !== undefined && !kv.value.equals(value)) await client.put(key, value, { lease });
  }
  const resign = async (): Promise<void> => {
    await client.txn({
      compare: [{ target: rpc.Compare_CompareTarget.CREATE, result: rpc.Compare_CompareResult.EQUAL, key, create_revision: leaderRev }],
      success: [{ request_delete_range: { key } }],
    });
  };
  try {
    await waitDeletes(client, pfx, leaderRev - 1, stop.signal);
  } catch (e) {
    await resign().catch(() => undefined);
    throw e;
  }
  display(g, getRenderers(g, await client.range(key)));
  const why = await Promise.race([aborted(stop.signal).then(() => 'signal' as const), session.then(() => 'expired' as const)]);
  if (why === 'expired') throw new CtlError('elect: session expired', ExitCode.Error);
  await resign();
}

/** Calls `onLeader` with each leader (and each new value it proclaims) until aborted. */
async function observe(client: EtcdClient, name: string, stop: AbortSignal, onLeader: (r: rpc.RangeResponse) => void): Promise<void> {
  const pfx = Buffer.from(`${name}/`, 'utf8');
  const watchUntil = (key: Buffer, opts: Parameters<EtcdClient['watch']>[1], onEvents: (r: rpc.WatchResponse) => boolean): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const w = client.watch(key, opts, (r) => {
        if (onEvents(r)) {
          w.cancel();
          resolve();
        }
      });
      stop.addEventListener('abort', () => {
        w.cancel();
        resolve();
      });
      w.done.then(() => resolve(), reject);
    });
  while (!stop.aborted) {
    const first = await client.unary(rpc.KVService.Range, { key: pfx, range_end: prefixEnd(pfx), ...FIRST_CREATE });
    let leader: { header: rpc.ResponseHeader | undefined; kv: mvccpb.KeyValue } | undefined =
      first.kvs[0] !== undefined ? { header: first.header, kv: first.kvs[0] } : undefined;
    if (leader === undefined) {
      // Wait for the first key put under the prefix.
      await watchUntil(pfx, { prefix: true, startRevision: first.header?.revision ?? 0 }, (r) => {
        const put = r.events.find((e) => e.type === mvccpb.Event_EventType.PUT && e.kv !== undefined);
        if (put === undefined) return false;
        leader = { header: { ...(r.header ?? {}), revision: put.kv!.mod_revision } as rpc.ResponseHeader, kv: put.kv! };
        return true;
      });
      if (leader === undefined) return;
    }
    const current: { header: rpc.ResponseHeader | undefined; kv: mvccpb.KeyValue } = leader;
    onLeader({ header: current.header, kvs: [current.kv], more: false, count: 0 });
    // Follow the leader's key until it is deleted; each put is a new proclamation.
    await watchUntil(current.kv.key, { startRevision: (current.header?.revision ?? 0) + 1 }, (r) => {
      for (const e of r.events) {
        if (e.type === mvccpb.Event_EventType.DELETE) return true;
        if (e.kv !== undefined) onLeader({ header: r.header, kvs: [e.kv], more: first.more, count: first.count });
      }
      return false;
    });
  }
}

export function registerElectCommand(program: Command): void {
  program
    .command('elect')
    .description('Observes and participates in leader election')
    .usage('<election-name> [proposal]')
    .argument('[args...]')
    .option('-l, --listen', 'observation mode')
    .action(async (args: string[], flags: { listen?: boolean }, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1 && args.length !== 2) {
        throw badArgs('elect takes one election name argument and an optional proposal argument');
      }
      if (args.length === 1 && !flags.listen) throw badArgs('no proposal argument but -l not set');
      if (args.length === 2 && flags.listen) throw badArgs('proposal given but -l is set');
      const client = await openClient(g);
      try {
        if (args.length === 2) {
          await campaign(g, client, args[0]!, args[1]!);
          return;
        }
        // etcdctl's observer opens a session too (unused, but it is a lease).
        await client.leaseGrant(SESSION_TTL);
        const stop = onSignal();
        await observe(client, args[0]!, stop.signal, (r) => display(g, getRenderers(g, r)));
        if (!stop.signal.aborted) throw new CtlError('elect: observer lost', ExitCode.Error);
      } catch (e) {
        throw callFailed(e);
      } finally {
        client.close();
      }
    });
}
