// etcd 3.4's operator flags that raftkv implements beyond membership, storage and TLS: monitoring,
// auto compaction, corruption checks, gRPC keepalive and logging. flags.ts adds them to the command.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseGoDuration } from '../ctl/format/go-duration.js';
import { DEFAULT_WATCH_PROGRESS_NOTIFY_MS, defaultOps, type AutoCompaction, type OpsSettings } from '../server/ops-config.js';

export interface OpsRaw {
  listenMetricsUrls: string[];
  autoCompactionMode: 'periodic' | 'revision';
  autoCompactionRetention: string;
  experimentalWatchProgressNotifyInterval: number;
  strictReconfigCheck: boolean;
  experimentalInitialCorruptCheck: boolean;
  experimentalCorruptCheckTime: number;
  grpcKeepaliveInterval: number;
  grpcKeepaliveTimeout: number;
  maxConcurrentStreams: number;
  logger: 'zap' | 'capnslog';
  logOutputs: string[];
  enablePprof: boolean;
  debug: boolean;
}

/** A Go time.Duration flag value, in milliseconds. */
export function durationArg(value: string): number {
  try {
    return parseGoDuration(value);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
}

/** Go's uint32 flag (--max-concurrent-streams). */
function uint32Arg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new InvalidArgumentError(`invalid value "${value}": not a uint32`);
  return n;
}

function logOutputsArg(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

type Opt = (flags: string, description: string, flagName: string) => Option;
type Parsers = { urlList: (v: string) => string[]; boolArg: (v: string) => boolean };

export function addOpsFlags(cmd: Command, opt: Opt, p: Parsers): Command {
  const d = defaultOps();
  const dur = (flag: string, description: string, ms: number): Option => opt(`--${flag} <duration>`, description, flag).argParser(durationArg).default(ms);
  const bool = (flag: string, description: string, value: boolean): Option =>
    opt(`--${flag} [bool]`, description, flag).argParser(p.boolArg).preset('true').default(value);
  return cmd
    .addOption(opt('--listen-metrics-urls <urls>', 'URLs to listen on for the metrics and health endpoints', 'listen-metrics-urls').argParser(p.urlList).default([]))
    .addOption(opt('--auto-compaction-mode <mode>', "interpret --auto-compaction-retention as 'periodic' (a duration, hours without a unit) or 'revision' (a revision count)", 'auto-compaction-mode').default('periodic'))
    .addOption(opt('--auto-compaction-retention <n>', 'auto compaction retention; 0 disables auto compaction', 'auto-compaction-retention').default('0'))
    .addOption(dur('experimental-watch-progress-notify-interval', 'duration of periodic watch progress notifications', DEFAULT_WATCH_PROGRESS_NOTIFY_MS))
    .addOption(bool('strict-reconfig-check', 'reject reconfiguration requests that would cause quorum loss', d.strictReconfigCheck))
    .addOption(bool('experimental-initial-corrupt-check', 'check data corruption against the peers before serving clients', d.initialCorruptCheck))
    .addOption(dur('experimental-corrupt-check-time', 'duration between cluster corruption check passes (0 = none)', 0))
    .addOption(dur('grpc-keepalive-interval', 'frequency of server-to-client pings to check a connection is alive (0 to disable)', d.grpc.keepaliveIntervalMs))
    .addOption(dur('grpc-keepalive-timeout', 'wait for a ping answer before closing a non-responsive connection (0 to disable)', d.grpc.keepaliveTimeoutMs))
    .addOption(opt('--max-concurrent-streams <n>', 'maximum concurrent streams each client can open at a time', 'max-concurrent-streams').argParser(uint32Arg).default(d.grpc.maxConcurrentStreams))
    .addOption(opt('--logger <logger>', "'zap' or 'capnslog' (both log JSON lines)", 'logger').choices(['zap', 'capnslog']).default('capnslog'))
    .addOption(opt('--log-outputs <targets>', "'default', 'stderr', 'stdout' or file paths, comma-separated", 'log-outputs').argParser(logOutputsArg).default(['default']))
    .addOption(bool('enable-pprof', 'serve CPU profiles at client URL + /debug/pprof/', d.enablePprof))
    .addOption(bool('debug', "debug-level logging (as --log-level=debug)", false));
}

/** etcd's parseCompactionRetention: a bare integer is hours (periodic) or revisions; else a duration. */
export function autoCompactionOf(mode: string, retention: string): AutoCompaction {
  if (mode !== 'periodic' && mode !== 'revision') throw new InvalidArgumentError(`unknown auto-compaction-mode "${mode}"`);
  let n: number;
  if (/^\+?\d+$/.test(retention)) n = mode === 'periodic' ? Number(retention) * 3600_000 : Number(retention);
  else {
    let ms: number;
    try {
      ms = parseGoDuration(retention);
    } catch (e) {
      throw new InvalidArgumentError(`error parsing CompactionRetention: ${e instanceof Error ? e.message : String(e)}`);
    }
    // etcd reads a duration as that many nanoseconds of revisions in revision mode.
    n = mode === 'periodic' ? ms : Math.round(ms * 1e6);
  }
  if (n <= 0) return { mode: 'off' };
  return mode === 'periodic' ? { mode, retentionMs: n } : { mode, retention: n };
}

export function toOps(raw: OpsRaw): OpsSettings {
  return {
    listenMetricsUrls: raw.listenMetricsUrls,
    autoCompaction: autoCompactionOf(raw.autoCompactionMode, raw.autoCompactionRetention),
    // etcd 3.4 keeps its default for a non-positive interval.
    watchProgressNotifyIntervalMs:
      raw.experimentalWatchProgressNotifyInterval > 0 ? raw.experimentalWatchProgressNotifyInterval : DEFAULT_WATCH_PROGRESS_NOTIFY_MS,
    strictReconfigCheck: raw.strictReconfigCheck,
    initialCorruptCheck: raw.experimentalInitialCorruptCheck,
    corruptCheckIntervalMs: raw.experimentalCorruptCheckTime,
    grpc: {
      keepaliveIntervalMs: raw.grpcKeepaliveInterval,
      keepaliveTimeoutMs: raw.grpcKeepaliveTimeout,
      maxConcurrentStreams: raw.maxConcurrentStreams,
    },
    enablePprof: raw.enablePprof,
  };
}
