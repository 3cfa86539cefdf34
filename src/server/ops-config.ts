// The operator settings beyond membership, storage and TLS: etcd 3.4's monitoring, compaction,
// corruption-check, gRPC and logging flags.

/** --auto-compaction-mode and --auto-compaction-retention, parsed as etcd does. */
export type AutoCompaction =
  | { mode: 'off' }
  /** Keep the history of the last `retentionMs`. */
  | { mode: 'periodic'; retentionMs: number }
  /** Keep the last `retention` revisions. */
  | { mode: 'revision'; retention: number };

export interface GrpcServerSettings {
  /** --grpc-keepalive-interval: the server pings an idle connection this often (0 = never). */
  keepaliveIntervalMs: number;
  /** --grpc-keepalive-timeout: and closes it if the ping is not answered within this. */
  keepaliveTimeoutMs: number;
  /** --max-concurrent-streams: the HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS the server announces. */
  maxConcurrentStreams: number;
}

export interface OpsSettings {
  /** --listen-metrics-urls: extra HTTP listeners for /metrics and the health endpoints. */
  listenMetricsUrls: string[];
  autoCompaction: AutoCompaction;
  /** --experimental-watch-progress-notify-interval. */
  watchProgressNotifyIntervalMs: number;
  /** --strict-reconfig-check: refuse membership changes that would leave too few started members. */
  strictReconfigCheck: boolean;
  /** --experimental-initial-corrupt-check. */
  initialCorruptCheck: boolean;
  /** --experimental-corrupt-check-time (0 = no periodic check). */
  corruptCheckIntervalMs: number;
  grpc: GrpcServerSettings;
  /** --enable-pprof: CPU profiles under /debug/pprof/ on the client port. */
  enablePprof: boolean;
}

export const DEFAULT_WATCH_PROGRESS_NOTIFY_MS = 10 * 60 * 1000;

export function defaultOps(): OpsSettings {
  return {
    listenMetricsUrls: [],
    autoCompaction: { mode: 'off' },
    watchProgressNotifyIntervalMs: DEFAULT_WATCH_PROGRESS_NOTIFY_MS,
    strictReconfigCheck: true,
    initialCorruptCheck: false,
    corruptCheckIntervalMs: 0,
    grpc: { keepaliveIntervalMs: 2 * 3600 * 1000, keepaliveTimeoutMs: 20_000, maxConcurrentStreams: 2 ** 32 - 1 },
    enablePprof: false,
  };
}
