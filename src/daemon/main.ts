import { Daemon, type MemberParts } from './daemon.js';
import type { DaemonOptions } from './flags.js';
import { discoverJoin, isInitialized, type JoinInfo } from './join.js';

/**
 * Runs one member until a signal stops it: joins an existing cluster first when asked to, then
 * serves. bin/raftkv.ts calls it with the product's parts.
 */
export async function runMember(opts: DaemonOptions, parts: MemberParts = {}): Promise<void> {
  let joined: JoinInfo | undefined;
  if (opts.config.initialClusterState === 'existing' && !isInitialized(opts.config)) {
    try {
      joined = await discoverJoin(opts.config);
    } catch (err) {
      process.stderr.write(`raftkv: cannot join the existing cluster: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    }
  }
  const daemon = new Daemon(opts, undefined, joined, parts);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    daemon.logger.info({ signal }, 'received signal; shutting down');
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        daemon.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    await daemon.run();
  } catch (err) {
    daemon.logger.fatal({ err }, 'failed to start');
    process.exit(1);
  }
}
