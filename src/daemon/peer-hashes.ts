// The corruption checks' view of the other members: HashKV over each one's client URLs (etcd asks
// its peers over the peer port; raftkv's peer port carries only Raft). Over https:// the member's
// client certificate and CA are used; with auth enabled a peer answers only root, so the check
// then sees an error for it and skips it.
import { EtcdClient } from '../client/index.js';
import type { ClientTls } from '../client/tls.js';
import type { Member } from '../cluster/member-store.js';
import type { PeerHash } from '../server/corruption-check.js';
import type { TlsSettings } from '../tls/settings.js';

const ERR_FUTURE_REV = 'etcdserver: mvcc: required revision is a future revision';
const ERR_COMPACTED = 'etcdserver: mvcc: required revision has been compacted';

export function clientTls(t: TlsSettings): ClientTls {
  if (t.autoTls && t.certFile === '') return { insecureSkipVerify: true };
  return {
    caFile: t.trustedCaFile === '' ? undefined : t.trustedCaFile,
    certFile: t.certFile === '' ? undefined : t.certFile,
    keyFile: t.keyFile === '' ? undefined : t.keyFile,
  };
}

export function peerHashFetcher(
  self: bigint,
  members: () => Member[],
  tls: TlsSettings,
  timeoutMs: number,
): (revision: number) => Promise<PeerHash[]> {
  return (revision) =>
    Promise.all(
      members()
        .filter((m) => m.id !== self && m.clientUrls.length > 0)
        .map(async (m): Promise<PeerHash> => {
          const c = new EtcdClient(m.clientUrls, { timeoutMs, tls: clientTls(tls) });
          try {
            const r = await c.hashKV(revision);
            // etcd answers -1 before the first compaction.
            const hash = { hash: r.hash, revision: Number(r.header?.revision ?? 0), compactRevision: Math.max(0, Number(r.compact_revision)) };
            return { memberId: m.id, hash };
          } catch (e) {
            const msg = e instanceof Error ? e.message : String(e);
            return { memberId: m.id, error: msg === ERR_FUTURE_REV ? 'future_rev' : msg === ERR_COMPACTED ? 'compacted' : msg };
          } finally {
            c.close();
          }
        }),
    );
}
