// lock: etcd's client-side mutex (clientv3/concurrency) over a session lease:
// the lock is the key "<name>/<lease hex>" with the lowest create revision
// under "<name>/". Held until SIGINT/SIGTERM, or for the run of a command.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import type { EtcdClient } from '../client/etcd-client.js';
import { prefixEnd } from '../client/key-range.js';
import * as rpc from '../gen/etcdserverpb.js';
import { CtlError, ExitCode, badArgs } from './exit.js';
import { callFailed } from './call-errors.js';
import { openClient, readGlobals, type Globals } from './globals.js';
import { getRenderers } from './kv-display.js';
import { FIRST_CREATE, waitDeletes } from './concurrency.js';
import { keepAliveUntilGone } from './lease-keepalive.js';
import { display } from './output.js';

interface Held {
  key: Buffer;
  header: rpc.ResponseHeader | undefined;
}

async function acquire(client: EtcdClient, name: string, lease: bigint, abort: AbortSignal): Promise<Held> {
  const pfx = Buffer.from(`${name}/`, 'utf8');
  const key = Buffer.from(`${name}/${lease.toString(16)}`, 'utf8');
  const owner: rpc.RequestOpInit = { request_range: { key: pfx, range_end: prefixEnd(pfx), ...FIRST_CREATE } };
  const resp = await client.txn({
    compare: [{ target: rpc.Compare_CompareTarget.CREATE, result: rpc.Compare_CompareResult.EQUAL, key, create_revision: 0 }],
    success: [{ request_put: { key, value: Buffer.alloc(0), lease } }, owner],
    failure: [{ request_range: { key } }, owner],
  });
  let myRev = resp.header?.revision ?? 0;
  if (!resp.succeeded) myRev = resp.responses[0]?.response_range?.kvs[0]?.create_revision ?? myRev;
  const ownerKvs = resp.responses[1]?.response_range?.kvs ?? [];
  if (ownerKvs.length === 0 || ownerKvs[0]!.create_revision === myRev) return { key, header: resp.header };
  try {
    return { key, header: await waitDeletes(client, pfx, myRev - 1, abort) };
  } catch (e) {
    await client.deleteRange(key).catch(() => undefined);
    throw e;
  }
}

function runCommand(args: string[], held: Held): Promise<string | undefined> {
  const env = { ETCD_LOCK_KEY: held.key.toString('utf8'), ETCD_LOCK_REV: String(held.header?.revision ?? 0), ...process.env };
  return new Promise((resolve) => {
    const child = spawn(args[0]!, args.slice(1), { env, stdio: ['inherit', 'inherit', 'inherit'] });
    child.once('error', (e) => resolve((e as NodeJS.ErrnoException).code === 'ENOENT' ? `exec: "${args[0]}": executable file not found in $PATH` : e.message));
    child.once('exit', (code, signal) => resolve(signal !== null ? `signal: ${signal}` : code !== 0 ? `exit status ${code}` : undefined));
  });
}

async function lockUntilSignal(g: Globals, client: EtcdClient, name: string, cmdArgs: string[], ttl: number): Promise<void> {
  const grant = await client.leaseGrant(ttl);
  const lease = grant.ID;
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const sessionDone = keepAliveUntilGone(client, lease, () => undefined, g.dialTimeoutMs + 1000).catch(() => undefined);
  const held = await acquire(client, name, lease, stop.signal);
  if (cmdArgs.length > 0) {
    const failure = await runCommand(cmdArgs, held);
    await client.deleteRange(held.key);
    if (failure !== undefined) throw new CtlError(failure, ExitCode.Error);
    return;
  }
  const k = await client.range(held.key);
  if (k.kvs.length === 0) throw new CtlError('lock lost on init', ExitCode.Error);
  display(g, getRenderers(g, k));
  const aborted = new Promise<'signal'>((resolve) => stop.signal.addEventListener('abort', () => resolve('signal')));
  const why = await Promise.race([aborted, sessionDone.then(() => 'expired' as const)]);
  if (why === 'expired') throw new CtlError('session expired', ExitCode.Error);
  await client.deleteRange(held.key);
}

export function registerLockCommand(program: Command): void {
  program
    .command('lock')
    .description('Acquires a named lock')
    .usage('<lockname> [exec-command arg1 arg2 ...]')
    .argument('[args...]')
    .option('--ttl <seconds>', 'timeout for session', '10')
    .action(async (args: string[], flags: { ttl: string }, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length === 0) throw badArgs('lock takes a lock name argument and an optional command to execute');
      const client = await openClient(g);
      try {
        await lockUntilSignal(g, client, args[0]!, args.slice(1), Number(flags.ttl));
      } catch (e) {
        throw callFailed(e);
      } finally {
        client.close();
      }
    });
}
