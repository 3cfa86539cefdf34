import pino, { type Logger } from 'pino';
import { ClientServer } from '../api/client-server.js';
import { EtcdServer } from '../server/etcd-server.js';
import type { DaemonOptions } from './flags.js';

// One raftkv member: the server core plus its client port, started and stopped together.
export class Daemon {
  private readonly server: EtcdServer;
  private readonly client: ClientServer;

  constructor(
    opts: DaemonOptions,
    readonly logger: Logger = pino({ level: opts.logLevel === 'panic' ? 'fatal' : opts.logLevel }, pino.destination(2)),
  ) {
    this.server = new EtcdServer(opts.config, logger);
    this.client = new ClientServer(this.server, logger);
  }

  async run(): Promise<void> {
    this.server.run();
    await this.client.run();
    this.logger.info({ name: this.server.config.name }, 'ready to serve client requests');
  }

  async stop(): Promise<void> {
    await this.client.stop();
    await this.server.stop();
  }
}
