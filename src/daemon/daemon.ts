import pino, { type Logger } from 'pino';
import { ClientServer } from '../api/client-server.js';
import type { Identity } from '../server/bootstrap.js';
import type { JoinInfo } from './join.js';
import { EtcdServer } from '../server/etcd-server.js';
import type { PeerInbound } from '../server/raft-consensus.js';
import { PeerTransport } from '../transport/peer-transport.js';
import type { DaemonOptions } from './flags.js';

// One raftkv member: the server core, its peer transport and its client port, started and
// stopped together.
export class Daemon {
  private readonly server: EtcdServer;
  private readonly client: ClientServer;
  private transport: PeerTransport | undefined;
  private removing = false;

  constructor(
    opts: DaemonOptions,
    readonly logger: Logger = pino({ level: opts.logLevel === 'panic' ? 'fatal' : opts.logLevel }, pino.destination(2)),
    joined?: JoinInfo,
  ) {
    const makeNetwork = (identity: Identity, inbound: PeerInbound): PeerTransport => {
      const transport = new PeerTransport({
        memberId: identity.memberId,
        clusterId: identity.clusterId,
        listenUrls: opts.config.listenPeerUrls,
        logger,
        dialMap: opts.config.testHooks.peerDialMap,
        handler: {
          ...inbound,
          membership: () => ({ clusterId: this.server.clusterId, members: this.server.members.list(), appliedIndex: this.server.consensusStatus().applied }),
          onRemoved: () => this.removed(0),
        },
      });
      // A joining member must be able to answer the leader before it has applied any membership.
      for (const m of joined?.membership.members ?? []) transport.addPeer(m.id, m.peerUrls);
      this.transport = transport;
      return transport;
    };
    this.server = new EtcdServer(
      opts.config,
      logger,
      makeNetwork,
      joined,
      // Having applied its own removal, a member keeps answering Raft for a while (as etcd's
      // stopWithDelay does) so the others can learn that the removal committed.
      () => this.removed(2 * opts.config.electionTimeoutMs),
      () => process.exit(1),
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
    await this.transport?.run();
    this.server.run();
    await this.client.run();
    this.logger.info({ name: this.server.config.name }, 'ready to serve client requests');
  }

  async stop(): Promise<void> {
    await this.client.stop();
    await this.transport?.stop();
    await this.server.stop();
  }
}
