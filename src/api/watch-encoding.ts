// WatchResponse bytes with each event encoded once per member, not once per watcher: a publish
// hands the same event objects to every watcher it matches, so their bytes are cached by the
// event's key-value (weakly: they go when the event does). A protobuf message may carry its
// fields in any order, so the cached events are appended after the response's other fields.
import type * as grpc from '@grpc/grpc-js';
import * as rpc from '../gen/etcdserverpb.js';
import * as mvccpb from '../gen/mvccpb.js';
import type { MvccEvent } from '../mvcc/types.js';
import { fromEvent } from '../wire/responses.js';

/** WatchResponse.events is field 11, length-delimited: (11 << 3) | 2. */
const EVENTS_TAG = 90;

const withoutPrev = new WeakMap<object, Uint8Array>();
const withPrev = new WeakMap<object, Uint8Array>();

function eventBytes(e: MvccEvent): Uint8Array {
  const cache = e.prevKv === undefined ? withoutPrev : withPrev;
  let b = cache.get(e.kv);
  if (b === undefined) {
    b = mvccpb.Event.encode(fromEvent(e)).finish();
    cache.set(e.kv, b);
  }
  return b;
}

/** The encoded WatchResponse: `fields` without events, then `events`. */
export function encodeWatchResponse(fields: Omit<rpc.WatchResponseInit, 'events'>, events: readonly MvccEvent[]): Buffer {
  const w = rpc.WatchResponse.encode(fields);
  for (const e of events) w.uint32(EVENTS_TAG).bytes(eventBytes(e));
  const u = w.finish();
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** etcdserverpb.Watch with responses written as bytes already encoded. */
export const PreEncodedWatchService = {
  Watch: { ...rpc.WatchService.Watch, responseSerialize: (b: Buffer): Buffer => b },
} satisfies grpc.ServiceDefinition;
