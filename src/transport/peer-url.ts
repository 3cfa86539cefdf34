// Peer URLs as configured (etcd's --listen-peer-urls / member peerURLs) -> grpc-js addresses.

/** "http://127.0.0.1:2380" or "https://..." -> "127.0.0.1:2380". */
export function peerAddress(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`raftkv: unsupported peer URL ${url} (only http:// and https://)`);
  if (u.port === '') throw new Error(`raftkv: peer URL ${url} has no port`);
  return u.host;
}
