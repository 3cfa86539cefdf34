// How etcd clients spell key ranges: a single key, [key, end), every key with a
// prefix, or every key >= key ("from key", range_end = "\0").

export type KeyLike = string | Buffer;

/** The range_end meaning "to the end of the keyspace". */
export const ALL_KEYS_END: Buffer = Buffer.from([0]);

export function toBytes(k: KeyLike): Buffer {
  return typeof k === 'string' ? Buffer.from(k, 'utf8') : k;
}

/** The smallest key after every key starting with `prefix`; "\0" when there is none (all 0xff). */
export function prefixEnd(prefix: Buffer): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const b = prefix[i]!;
    if (b < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i] = b + 1;
      return end;
    }
  }
  return ALL_KEYS_END;
}

export interface RangeSpec {
  /** Explicit exclusive end of the range. */
  end?: KeyLike | undefined;
  /** Every key starting with the key. */
  prefix?: boolean | undefined;
  /** Every key >= the key. */
  fromKey?: boolean | undefined;
}

/** The (key, range_end) pair for a range spec; an empty key with prefix/fromKey means all keys. */
export function resolveRange(key: KeyLike, spec: RangeSpec = {}): { key: Buffer; range_end: Buffer | undefined } {
  const k = toBytes(key);
  if (spec.prefix) {
    return k.length === 0 ? { key: ALL_KEYS_END, range_end: ALL_KEYS_END } : { key: k, range_end: prefixEnd(k) };
  }
  if (spec.fromKey) return { key: k.length === 0 ? ALL_KEYS_END : k, range_end: ALL_KEYS_END };
  return { key: k, range_end: spec.end === undefined ? undefined : toBytes(spec.end) };
}
