// JSON.parse for etcdctl's `-w json` output, whose member IDs are uint64
// numbers beyond 2^53: integers of 16+ digits are kept exact as strings
// (read them with BigInt()).
export function parseJsonBig(text: string): unknown {
  const safe = text.replace(/"(?:[^"\\]|\\.)*"|-?\d{16,}/g, (tok) => (tok.startsWith('"') ? tok : `"${tok}"`));
  return JSON.parse(safe) as unknown;
}

/** A uint64 field read by parseJsonBig (a string when large, a number otherwise). */
export function bigField(v: unknown): bigint {
  if (typeof v === 'string' || typeof v === 'number') return BigInt(v);
  throw new Error(`not an integer: ${JSON.stringify(v)}`);
}
