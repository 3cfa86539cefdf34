// check perf | datascale: etcdctl 3.4's load checks. perf puts at a fixed
// rate for 60 s and judges throughput and latency; datascale puts a fixed
// number of keys and reports how much the first endpoint's resident memory
// grew. Both refuse a prefix that already has keys, delete their keys
// afterwards, and can compact and defragment. Same lines, thresholds and
// exit codes as etcdctl.
import type { Command } from 'commander';
import type { EtcdClient } from '../client/etcd-client.js';
import { BoundedQueue } from './bounded-queue.js';
import { DATASCALE_WORKLOADS, PERF_WORKLOADS, pickWorkload, randomKey } from './check-workloads.js';
import { CtlError, ExitCode } from './exit.js';
import { callFailed, errorMessage } from './call-errors.js';
import { goQuote } from './format/go-quote.js';
import { openClient, readGlobals, withClient, type Globals } from './globals.js';
import { printText } from './io.js';
import { goFloat, LoadReport, type LoadStats } from './load-report.js';
import { residentMemoryBytes } from './memory-metrics.js';
import { startProgress } from './progress.js';
import { logFailedCall } from './zap-warn.js';

interface CheckFlags {
  load: string;
  prefix: string;
  autoCompact?: boolean;
  autoDefrag?: boolean;
}

const CLEANUP_TIMEOUT_MS = 30_000;

/** A failed call: logged as etcd's client logs it, then the command ends with it. */
function fail(e: unknown): CtlError {
  logFailedCall(e);
  return callFailed(e);
}

/** Ends the command with status 1 after its own FAIL lines. */
function failed(): CtlError {
  return new CtlError('', ExitCode.Error);
}

async function openClients(g: Globals, n: number): Promise<EtcdClient[]> {
  const clients: EtcdClient[] = [];
  try {
    for (let i = 0; i < n; i++) clients.push(await openClient(g));
  } catch (e) {
    for (const c of clients) c.close();
    throw e;
  }
  return clients;
}

async function refuseUsedPrefix(c: EtcdClient, prefix: string, timeoutMs: number): Promise<void> {
  const r = await c.range(prefix, { prefix: true, limit: 1 }, { timeoutMs }).catch((e: unknown) => {
    throw fail(e);
  });
  if (r.kvs.length > 0) {
    throw new CtlError(`prefix ${goQuote(prefix)} has keys. Delete with etcdctl del --prefix ${prefix} first`, ExitCode.InvalidInput);
  }
}

/** One put per queued key, each client taking the next key when it is free; every result goes to the report. */
function runWorkers(clients: EtcdClient[], keys: BoundedQueue<Buffer>, value: Buffer, report: LoadReport, onDone?: () => void): Promise<void[]> {
  return Promise.all(
    clients.map(async (c) => {
      for (let key = await keys.take(); key !== undefined; key = await keys.take()) {
        const start = performance.now();
        try {
          await c.put(key, value, {}, { timeoutMs: 0 });
          report.success((performance.now() - start) / 1000);
        } catch (e) {
          report.failure(errorMessage(e));
        }
        onDone?.();
      }
    }),
  );
}

/** Deletes the check's keys, then compacts and defragments as asked; prints what etcdctl prints. */
async function cleanUp(g: Globals, c: EtcdClient, flags: CheckFlags, timeoutMs: number): Promise<void> {
  const d = await c.deleteRange(flags.prefix, { prefix: true }, { timeoutMs }).catch((e: unknown) => {
    throw fail(e);
  });
  if (flags.autoCompact === true) {
    const rev = Number(d.header?.revision ?? 0);
    printText(`Compacting with revision ${rev}\n`);
    await c.compact(rev, true, { timeoutMs: CLEANUP_TIMEOUT_MS }).catch((e: unknown) => {
      throw fail(e);
    });
    printText(`Compacted with revision ${rev}\n`);
  }
  if (flags.autoDefrag === true) {
    for (const ep of g.endpoints) {
      printText(`Defragmenting ${goQuote(ep)}\n`);
      await withClient(g, (one) => one.defragment({ timeoutMs: CLEANUP_TIMEOUT_MS }), [ep]).catch((e: unknown) => {
        throw callFailed(e);
      });
      printText(`Defragmented ${goQuote(ep)}\n`);
    }
  }
}

/** etcdctl's lines for failed requests; true when there were any. */
function printErrors(s: LoadStats): boolean {
  if (s.errors.size === 0) return false;
  printText('FAIL: too many errors\n');
  for (const [msg, n] of s.errors) printText(`FAIL: ERROR(${msg}) -> ${n}\n`);
  return true;
}

function perfVerdict(s: LoadStats, limit: number): boolean {
  let ok = !printErrors(s);
  const rate = Math.trunc(s.rps) + 1;
  if (s.rps / limit <= 0.9) {
    printText(`FAIL: Throughput too low: ${rate} writes/s\n`);
    ok = false;
  } else {
    printText(`PASS: Throughput is ${rate} writes/s\n`);
  }
  if (s.slowest > 0.5) {
    printText(`Slowest request took too long: ${goFloat(s.slowest)}s\n`);
    ok = false;
  } else {
    printText(`PASS: Slowest request took ${goFloat(s.slowest)}s\n`);
  }
  if (s.stddev > 0.1) {
    printText(`Stddev too high: ${goFloat(s.stddev)}s\n`);
    ok = false;
  } else {
    printText(`PASS: Stddev is ${goFloat(s.stddev)}s\n`);
  }
  printText(ok ? 'PASS\n' : 'FAIL\n');
  return ok;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function checkPerf(flags: CheckFlags, cmd: Command): Promise<void> {
  const w = pickWorkload(PERF_WORKLOADS, flags.load);
  const g = readGlobals(cmd);
  const durationMs = w.durationS * 1000;
  const clients = await openClients(g, w.clients);
  try {
    await refuseUsedPrefix(clients[0]!, flags.prefix, durationMs);
    // The bar counts the seconds of the run, as etcdctl's does.
    const bar = startProgress(process.stdout, w.durationS);
    let ticks = 0;
    const ticker = setInterval(() => {
      if (++ticks <= w.durationS) bar.add(1);
    }, 1000);
    const report = new LoadReport();
    const keys = new BoundedQueue<Buffer>(w.clients);
    const workers = runWorkers(clients, keys, Buffer.alloc(1024), report);
    // Go's rate.Limiter with a burst of 1: one put every 1/limit s, a late one not made up for twice.
    const prefix = Buffer.from(flags.prefix, 'utf8');
    const interval = 1000 / w.limit;
    const end = performance.now() + durationMs;
    for (let next = performance.now(); ; next += interval) {
      const now = performance.now();
      next = Math.max(next, now);
      if (next > end) break;
      if (next > now) await sleep(next - now);
      await keys.put(randomKey(prefix, 256));
    }
    keys.close();
    await workers;
    const stats = report.stats();
    clearInterval(ticker);
    bar.finish();
    await cleanUp(g, clients[0]!, flags, CLEANUP_TIMEOUT_MS);
    if (!perfVerdict(stats, w.limit)) throw failed();
  } finally {
    for (const c of clients) c.close();
  }
}

async function checkDatascale(flags: CheckFlags, cmd: Command): Promise<void> {
  const w = pickWorkload(DATASCALE_WORKLOADS, flags.load);
  const g = readGlobals(cmd);
  const clients = await openClients(g, w.clients);
  try {
    // No deadline here, as in etcdctl.
    await refuseUsedPrefix(clients[0]!, flags.prefix, 0);
    const endpoint = g.endpoints[0]!;
    const before = await residentMemoryBytes(endpoint, g.tls);
    if (before === 0) {
      printText('FAIL: Could not read process_resident_memory_bytes before the put operations.\n');
      throw failed();
    }
    printText(`Start data scale check for work load [${w.limit} key-value pairs, ${w.kvSize} bytes per key-value, ${w.clients} concurrent clients].\n`);
    const bar = startProgress(process.stdout, w.limit);
    const report = new LoadReport();
    const keys = new BoundedQueue<Buffer>(w.clients);
    const workers = runWorkers(clients, keys, Buffer.alloc(512), report, () => bar.add(1));
    const prefix = Buffer.from(flags.prefix, 'utf8');
    for (let i = 0; i < w.limit; i++) await keys.put(randomKey(prefix, 512));
    keys.close();
    await workers;
    const stats = report.stats();
    bar.finish();
    const after = await residentMemoryBytes(endpoint, g.tls);
    if (after === 0) {
      // As etcdctl: its keys are left in place.
      printText('FAIL: Could not read process_resident_memory_bytes after the put operations.\n');
      throw failed();
    }
    await cleanUp(g, clients[0]!, flags, 0);
    if (printErrors(stats)) throw failed();
    printText(`PASS: Approximate system memory used : ${((after - before) / (1024 * 1024)).toFixed(2)} MB.\n`);
  } finally {
    for (const c of clients) c.close();
  }
}

export function registerCheckCommands(program: Command): void {
  const check = program.command('check').description('commands for checking properties of the etcd cluster');
  const loadHelp = (what: string): string =>
    `The ${what} check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)`;

  check
    .command('perf')
    .description('Check the performance of the etcd cluster')
    .usage('[options]')
    // Extra arguments are ignored, as by etcdctl.
    .argument('[args...]')
    .option('--load <model>', loadHelp('performance'), 's')
    .option('--prefix <prefix>', "The prefix for writing the performance check's keys.", '/etcdctl-check-perf/')
    .option('--auto-compact', 'Compact storage with last revision after test is finished.')
    .option('--auto-defrag', 'Defragment storage after test is finished.')
    .action((_args: string[], flags: CheckFlags, cmd: Command) => checkPerf(flags, cmd));

  check
    .command('datascale')
    .description('Check the memory usage of holding data for different workloads on a given server endpoint.')
    .usage('[options]')
    .argument('[args...]')
    .option('--load <model>', loadHelp('datascale'), 's')
    .option('--prefix <prefix>', "The prefix for writing the datascale check's keys.", '/etcdctl-check-datascale/')
    .option('--auto-compact', 'Compact storage with last revision after test is finished.')
    .option('--auto-defrag', 'Defragment storage after test is finished.')
    .action((_args: string[], flags: CheckFlags, cmd: Command) => checkDatascale(flags, cmd));
}
