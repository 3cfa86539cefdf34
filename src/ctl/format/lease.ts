// Output of the lease commands, as etcdctl prints them. Lease IDs are shown as
// 16 hex digits (Go's %016x) and read back in hex.
import type * as rpc from '../../gen/etcdserverpb.js';
import { nonZeroFields, structJson } from './json.js';

export function leaseHex(id: bigint): string {
  return id < 0n ? `-${(-id).toString(16).padStart(15, '0')}` : id.toString(16).padStart(16, '0');
}

export function grantText(r: rpc.LeaseGrantResponse): string {
  return `lease ${leaseHex(r.ID)} granted with TTL(${r.TTL}s)`;
}

/** clientv3.LeaseGrantResponse: the header embedded, then ID, TTL, Error. */
export function grantJson(r: rpc.LeaseGrantResponse): string {
  return structJson({ ...nonZeroFields(r.header), ID: r.ID, TTL: r.TTL, Error: r.error });
}

export function revokeText(id: bigint): string {
  return `lease ${leaseHex(id)} revoked`;
}

export function keepAliveText(r: rpc.LeaseKeepAliveResponse): string {
  return `lease ${leaseHex(r.ID)} keepalived with TTL(${r.TTL})`;
}

export function keepAliveJson(r: rpc.LeaseKeepAliveResponse): string {
  return structJson({ ...nonZeroFields(r.header), ID: r.ID, TTL: r.TTL });
}

export function timeToLiveText(r: rpc.LeaseTimeToLiveResponse, withKeys: boolean): string {
  // etcd reports a lease it does not know with TTL -1 and no granted TTL.
  if (r.grantedTTL === 0 && r.TTL === -1) return `lease ${leaseHex(r.ID)} already expired`;
  let text = `lease ${leaseHex(r.ID)} granted with TTL(${r.grantedTTL}s), remaining(${r.TTL}s)`;
  if (withKeys) text += `, attached keys([${r.keys.map((k) => k.toString('utf8')).join(' ')}])`;
  return text;
}

export function timeToLiveJson(r: rpc.LeaseTimeToLiveResponse): string {
  return structJson({
    ...nonZeroFields(r.header),
    id: r.ID,
    ttl: r.TTL,
    'granted-ttl': r.grantedTTL,
    keys: r.keys.length === 0 ? null : r.keys,
  });
}

export function leasesText(r: rpc.LeaseLeasesResponse): string[] {
  return [`found ${r.leases.length} leases`, ...r.leases.map((l) => leaseHex(l.ID))];
}

export function leasesJson(r: rpc.LeaseLeasesResponse): string {
  return structJson({ ...nonZeroFields(r.header), leases: r.leases.map((l) => ({ id: l.ID })) });
}
