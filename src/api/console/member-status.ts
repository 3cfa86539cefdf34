// Maintenance.Status of the other members, over their client URLs, with a short deadline: an
// unreachable member costs the cluster view at most STATUS_TIMEOUT_MS. One connection per member,
// kept between views (rebuilt when its URLs change).
import { EtcdClient, type ClientTls } from '../../client/index.js';
import type { Member } from '../../cluster/member-store.js';
import type * as rpc from '../../gen/etcdserverpb.js';
import type { Result } from '../../mvcc/types.js';

const STATUS_TIMEOUT_MS = 1000;

export class MemberStatuses {
  private readonly clients = new Map<bigint, { urls: string; client: EtcdClient }>();

  /** `tls`: the member's own client certificate, for https:// members. */
  constructor(private readonly tls: ClientTls | undefined) {}

  async status(m: Member): Promise<Result<rpc.StatusResponse, string>> {
    if (m.clientUrls.length === 0) return { ok: false, error: 'no client URLs published yet' };
    const urls = m.clientUrls.join(',');
    let entry = this.clients.get(m.id);
    if (entry === undefined || entry.urls !== urls) {
      entry?.client.close();
      entry = { urls, client: new EtcdClient(m.clientUrls, { timeoutMs: STATUS_TIMEOUT_MS, tls: this.tls }) };
      this.clients.set(m.id, entry);
    }
    try {
      return { ok: true, value: await entry.client.status() };
    } catch (e) {
      // grpc-js ends a failed dial's message with an empty "Resolution note:"; it says nothing.
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, error: message.replace(/\s*Resolution note:\s*$/, '') };
    }
  }

  /** Drops the connections of members no longer in `ids`. */
  retain(ids: ReadonlySet<bigint>): void {
    for (const [id, e] of this.clients) {
      if (ids.has(id)) continue;
      e.client.close();
      this.clients.delete(id);
    }
  }

  close(): void {
    for (const e of this.clients.values()) e.client.close();
    this.clients.clear();
  }
}
