import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ServerConfig } from '../server/config.js';
import { withAutoTls } from '../tls/auto-tls.js';
import { authSetup } from './auth-setup.js';
import { Daemon, type MemberParts } from './daemon.js';
import type { DaemonOptions } from './flags.js';
import { memberLogger } from './logger.js';
import { discoverJoin, isInitialized, type JoinInfo } from './join.js';
import { tlsProblem } from './tls-check.js';

/** The config with --auto-tls / --peer-auto-tls certificates made (as etcd does, under fixtures/). */
async function withAutoCerts(c: ServerConfig): Promise<ServerConfig> {
  const fixtures = join(c.dataDir, 'fixtures');
  return {
    ...c,
    clientTls: await withAutoTls(c.clientTls, join(fixtures, 'client'), c.listenClientUrls),
    peerTls: await withAutoTls(c.peerTls, join(fixtures, 'peer'), c.listenPeerUrls),
  };
}

/**
 * Runs one member until a signal stops it: joins an existing cluster first when asked to, then
 * serves. bin/raftkv.ts calls it with the product's parts.
 */
export async function runMember(given: DaemonOptions, parts: MemberParts = {}): Promise<void> {
  const opts: DaemonOptions = { ...given, config: await withAutoCerts(given.config) };
  const problem = tlsProblem(opts.config);
  if (problem !== undefined) {
    process.stderr.write(`raftkv: ${problem}\n`);
    process.exit(1);
  }
  const auth = authSetup(opts.config);
  if (!auth.ok) {
    if (auth.error.detail !== '') process.stderr.write(`raftkv: ${auth.error.detail}\n`);
    process.stderr.write(`raftkv: ${auth.error.message}\n`);
    process.exit(1);
  }
  let joined: JoinInfo | undefined;
  if (opts.config.initialClusterState === 'existing' && !isInitialized(opts.config)) {
    try {
      joined = await discoverJoin(opts.config);
    } catch (err) {
      process.stderr.write(`raftkv: cannot join the existing cluster: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    }
  }
  let logger: Logger;
  try {
    logger = memberLogger(opts.logLevel, opts.logOutputs);
  } catch (err) {
    process.stderr.write(`raftkv: error verifying flags, open sink: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  for (const f of opts.inertFlags ?? []) logger.warn({ flag: f.flag, reason: f.why }, 'flag is accepted for etcd compatibility but has no effect');
  const daemon = new Daemon(opts, logger, joined, parts, auth.value);
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
