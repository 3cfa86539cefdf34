#!/usr/bin/env node
import { Daemon } from '../daemon/daemon.js';
import { parseFlags } from '../daemon/flags.js';
import { discoverJoin, isInitialized, type JoinInfo } from '../daemon/join.js';
import { VERSION } from '../version.js';

const opts = parseFlags(process.argv, VERSION);
let joined: JoinInfo | undefined;
if (opts.config.initialClusterState === 'existing' && !isInitialized(opts.config)) {
  try {
    joined = await discoverJoin(opts.config);
  } catch (err) {
    process.stderr.write(`raftkv: cannot join the existing cluster: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
const daemon = new Daemon(opts, undefined, joined);
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
daemon.run().catch((err: unknown) => {
  daemon.logger.fatal({ err }, 'failed to start');
  process.exit(1);
});
