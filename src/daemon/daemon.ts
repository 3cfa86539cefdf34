import pino, { type Logger } from 'pino';
import { ClientServer } from '../api/client-server.js';
import { EtcdServer } from '../server/etcd-server.js';
import type { DaemonOptions } from './flags.js';
import type { JoinInfo } from './join.js';

/** Parts a caller may replace when composing a member (the fault-injection entry point does). */
export interface MemberParts {
  /** Entry point of the Raft thread, and settings only that entry point reads. */
  raftWorker?: { url: URL; extension: unknown };
}

// One raftkv member: the server core (with its Raft thread) and its client port, started and
// stopped together.
export class Daemon {
  private readonly server: EtcdServer;
  private readonly client: ClientServer;
  private removing = false;

  constructor(
    opts: DaemonOptions,
    readonly logger: Logger = pino({ level: opts.logLevel === 'panic' ? 'fatal' : opts.logLevel }, pino.destination(2)),
    joined?: JoinInfo,
    parts: MemberParts = {},
  ) {
    this.server = new EtcdServer(
      opts.config,
      logger,
      joined,
      (graceMs) => this.removed(graceMs),
      () => process.exit(1),
      parts.raftWorker,
    );
    this.client = new ClientServer(this.server, logger);
  }

  private removed(graceMs: number): void {
    if (this.removing) return;
    this.removing = true;
    this.logger.warn({ graceMs }, 'the member has been permanently removed from the cluster; shutting down');
    setTimeout(() => void this.stop().then(() => process.exit(0)), graceMs);
  }

  async run(): Promise<void> {
    await this.server.run();
    await this.client.run();
    this.logger.info({ name: this.server.config.name }, 'ready to serve client requests');
  }

  async stop(): Promise<void> {
    await this.client.stop();
    await this.server.stop();
  }
}
