// make-mirror <destination>: copies the keys (all, or under --prefix) to
// another cluster as of one revision, then follows a watch from the next
// revision, writing each source revision's changes in one transaction.
// Prints how many keys it has mirrored every 30 s, as etcdctl 3.4 does.
import type { Command } from 'commander';
import type * as rpc from '../gen/etcdserverpb.js';
import * as mvccpb from '../gen/mvccpb.js';
import { EtcdClient } from '../client/etcd-client.js';
import { ALL_KEYS_END, prefixEnd } from '../client/key-range.js';
import type { ClientTls } from '../client/tls.js';
import { ExitCode, CtlError, badArgs } from './exit.js';
import { callFailed } from './call-errors.js';
import { openClient, readGlobals, type Globals } from './globals.js';
import { logFailedCall } from './zap-warn.js';

interface MirrorFlags {
  prefix?: string;
  destCacert?: string;
  destCert?: string;
  destKey?: string;
}

/** etcd's mirror.Syncer reads the base in pages of this many keys. */
const BATCH = 1000;
const REPORT_MS = 30_000;
const COMPACTED = 'etcdserver: mvcc: required revision has been compacted';

/** Go's strings.Replace(key, from, to, 1) on bytes: the first occurrence of `from` becomes `to`. */
export function replaceFirst(key: Buffer, from: Buffer, to: Buffer): Buffer {
  const i = key.indexOf(from);
  if (i < 0) return key;
  return Buffer.concat([key.subarray(0, i), to, key.subarray(i + from.length)]);
}

function destTls(f: MirrorFlags): ClientTls {
  const tls: ClientTls = {};
  if (f.destCacert) tls.caFile = f.destCacert;
  if (f.destCert) tls.certFile = f.destCert;
  if (f.destKey) tls.keyFile = f.destKey;
  return tls;
}

class Mirror {
  total = 0;
  private readonly from: Buffer;
  private readonly to: Buffer;

  constructor(
    private readonly src: EtcdClient,
    private readonly dst: EtcdClient,
    prefix: string,
    destPrefix: string,
  ) {
    this.from = Buffer.from(prefix, 'utf8');
    this.to = Buffer.from(destPrefix, 'utf8');
  }

  private destKey(key: Buffer): Buffer {
    return replaceFirst(key, this.from, this.to);
  }

  /** The keys as of one revision, page by page; returns that revision. */
  async syncBase(): Promise<number> {
    const rev = (await this.src.range('foo')).header?.revision ?? 0;
    let key = this.from.length === 0 ? ALL_KEYS_END : this.from;
    const end = this.from.length === 0 ? ALL_KEYS_END : prefixEnd(this.from);
    for (;;) {
      const r = await this.src.range(key, { end, limit: BATCH, revision: rev });
      for (const kv of r.kvs) {
        await this.dst.put(this.destKey(kv.key), kv.value);
        this.total++;
      }
      const last = r.kvs[r.kvs.length - 1];
      if (!r.more || last === undefined) return rev;
      key = Buffer.concat([last.key, ALL_KEYS_END]);
    }
  }

  /** Follows the changes after `rev` until the watch ends. */
  async syncUpdates(rev: number): Promise<void> {
    const spec = this.from.length === 0 ? { fromKey: true } : { prefix: true };
    const w = this.src.watch(this.from.length === 0 ? ALL_KEYS_END : this.from, { ...spec, startRevision: rev + 1 });
    try {
      for await (const r of w) {
        if (r.compact_revision !== 0) throw new CtlError(COMPACTED, ExitCode.Error);
        await this.apply(r);
      }
      await w.done;
    } finally {
      w.cancel();
    }
  }

  /** One transaction per source revision. */
  private async apply(r: rpc.WatchResponse): Promise<void> {
    let ops: rpc.RequestOpInit[] = [];
    let lastRev = 0;
    for (const ev of r.events) {
      const kv = ev.kv;
      if (kv === undefined) continue;
      if (lastRev !== 0 && kv.mod_revision > lastRev) {
        await this.dst.txn({ success: ops });
        ops = [];
      }
      lastRev = kv.mod_revision;
      const key = this.destKey(kv.key);
      ops.push(
        ev.type === mvccpb.Event_EventType.PUT ? { request_put: { key, value: kv.value } } : { request_delete_range: { key } },
      );
      this.total++;
    }
    if (ops.length > 0) await this.dst.txn({ success: ops });
  }
}

/** etcdctl's two flags: --dest-prefix (a value) and --no-dest-prefix (a bool of its own). */
interface DestPrefix {
  value: string;
  none: boolean;
}

async function run(g: Globals, dest: string, f: MirrorFlags, d: DestPrefix): Promise<void> {
  const dst = new EtcdClient([dest], { timeoutMs: 0, tls: destTls(f) });
  const src = await openClient(g);
  const prefix = f.prefix ?? '';
  // etcdctl 3.4 mirrors to the source prefix unless told otherwise.
  const destPrefix = d.none ? '' : d.value === '' ? prefix : d.value;
  const m = new Mirror(src, dst, prefix, destPrefix);
  const timer = setInterval(() => process.stdout.write(`${m.total}\n`), REPORT_MS);
  try {
    await m.syncUpdates(await m.syncBase());
  } catch (e) {
    logFailedCall(e);
    throw callFailed(e, ExitCode.Error);
  } finally {
    clearInterval(timer);
    src.close();
    dst.close();
  }
}

export function registerMakeMirrorCommand(program: Command): void {
  // Commander would fold --no-dest-prefix into --dest-prefix's value (last one wins);
  // etcdctl has two flags and refuses them together, so each is recorded as given.
  const dest: DestPrefix = { value: '', none: false };
  program
    .command('make-mirror')
    .on('option:dest-prefix', (v: string) => {
      dest.value = v;
    })
    .on('option:no-dest-prefix', () => {
      dest.none = true;
    })
    .description('Makes a mirror at the destination etcd cluster')
    .usage('[options] <destination>')
    .argument('[args...]')
    .option('--prefix <prefix>', 'Key-value prefix to mirror')
    .option('--dest-prefix <prefix>', 'destination prefix to mirror a prefix to a different prefix in the destination cluster')
    .option('--no-dest-prefix', 'mirror key-values to the root of the destination cluster')
    .option('--dest-cacert <file>', 'Verify certificates of TLS enabled secure servers using this CA bundle')
    .option('--dest-cert <file>', 'Identify secure client using this TLS certificate file for the destination cluster')
    .option('--dest-key <file>', 'Identify secure client using this TLS key file')
    .option('--dest-insecure-transport [bool]', 'Disable transport security for client connections')
    .action(async (args: string[], flags: MirrorFlags, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('make-mirror takes one destination argument');
      if (dest.none && dest.value !== '') {
        throw badArgs('`--dest-prefix` and `--no-dest-prefix` cannot be set at the same time, choose one');
      }
      await run(g, args[0]!, flags, dest);
    });
}
