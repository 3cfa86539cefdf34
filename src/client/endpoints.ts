// Endpoint spellings accepted by etcd clients, reduced to the "host:port"
// target grpc-js dials.

/** "127.0.0.1:2379" or "http://127.0.0.1:2379" -> "127.0.0.1:2379". TLS is not supported. */
export function grpcTarget(endpoint: string): string {
  const e = endpoint.trim();
  if (e === '') throw new Error('empty endpoint');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(e);
  if (scheme === null) return e;
  if (scheme[1]!.toLowerCase() !== 'http') {
    throw new Error(`unsupported endpoint ${endpoint}: only plain http:// (no TLS) is supported`);
  }
  const u = new URL(e);
  return u.host;
}

/** "a:1, http://b:2" -> ["a:1", "http://b:2"]: the comma-separated list form of --endpoints. */
export function splitEndpoints(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
