import type { KeyValue, MvccEvent } from '../mvcc/types.js';

// Rough protobuf sizes: field tags, varint revisions/version/lease, header. Only needs to be in the
// right ballpark: the limit it guards (max-request-bytes + gRPC overhead) has slack built in.
const KV_OVERHEAD = 40;
const EVENT_OVERHEAD = 8;
const RESPONSE_OVERHEAD = 64;

function kvSize(kv: KeyValue): number {
  return KV_OVERHEAD + kv.key.length + kv.value.length;
}

export function eventSize(ev: MvccEvent): number {
  return EVENT_OVERHEAD + kvSize(ev.kv) + (ev.prevKv === undefined ? 0 : kvSize(ev.prevKv));
}

/**
 * Splits one response's events into fragments as etcd's sendFragments does: nothing to split if the
 * whole fits under maxBytes or holds a single event; otherwise pack events while the estimate stays
 * below maxBytes, with at least one event per fragment.
 */
export function splitForFragments(events: MvccEvent[], maxBytes: number): MvccEvent[][] {
  const sizes = events.map(eventSize);
  const total = sizes.reduce((a, b) => a + b, RESPONSE_OVERHEAD);
  if (total < maxBytes || events.length < 2) return [events];
  const parts: MvccEvent[][] = [];
  let cur: MvccEvent[] = [];
  let size = RESPONSE_OVERHEAD;
  events.forEach((ev, i) => {
    const s = sizes[i]!;
    if (cur.length > 0 && size + s >= maxBytes) {
      parts.push(cur);
      cur = [];
      size = RESPONSE_OVERHEAD;
    }
    cur.push(ev);
    size += s;
  });
  parts.push(cur);
  return parts;
}
