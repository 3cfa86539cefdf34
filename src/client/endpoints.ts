// Endpoint spellings accepted by etcd clients, reduced to the "host:port"
// target grpc-js dials.

/** "127.0.0.1:2379", "http://127.0.0.1:2379" or "https://..." -> "127.0.0.1:2379". */
export function grpcTarget(endpoint: string): string {
  const e = endpoint.trim();
  if (e === '') throw new Error('empty endpoint');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(e);
  if (scheme === null) return e;
  const name = scheme[1]!.toLowerCase();
  if (name !== 'http' && name !== 'https') {
    throw new Error(`unsupported endpoint ${endpoint}: only http:// and https:// are supported`);
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
