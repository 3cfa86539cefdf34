// WatchResponse bytes with each event encoded once per member, not once per watcher: a publish
// hands the same event objects to every watcher it matches, so their bytes are cached by the
// event's key-value (weakly: they go when the event does). A protobuf message may carry its
// fields in any order, so the cached events are appended after the response's other fields. The
// event responses themselves (one per watcher per publish) are written by hand, in field order, so
// they are byte for byte what protobufjs writes, with the header's bytes shared between watchers.
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

/** watch_id is field 2, varint: (2 << 3) | 0. */
const WATCH_ID_TAG = 16;
/** fragment is field 7, varint. */
const FRAGMENT_TAG = 56;

// One publish sends the same header to every watcher it reaches: the last header's bytes (tag
// and length included) are kept and reused while its fields are unchanged.
let lastHeader: { h: rpc.ResponseHeaderInit; bytes: Uint8Array } | undefined;

function sameHeader(a: rpc.ResponseHeaderInit, b: rpc.ResponseHeaderInit): boolean {
  return a.cluster_id === b.cluster_id && a.member_id === b.member_id && a.revision === b.revision && a.raft_term === b.raft_term;
}

function headerField(h: rpc.ResponseHeaderInit): Uint8Array {
  if (lastHeader === undefined || !sameHeader(lastHeader.h, h)) {
    lastHeader = { h: { ...h }, bytes: rpc.WatchResponse.encode({ header: h }).finish() };
  }
  return lastHeader.bytes;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function putVarint(buf: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

/** gRPC's message prefix: a compression flag byte and the length as 4 bytes, big-endian. */
const GRPC_PREFIX_BYTES = 5;

/** The encoded WatchResponse as one gRPC frame (prefix included), to write to the HTTP/2 stream as is. */
export function encodeWatchFrame(fields: Omit<rpc.WatchResponseInit, 'events'>, events: readonly MvccEvent[]): Buffer {
  return encode(fields, events, GRPC_PREFIX_BYTES);
}

/** The encoded WatchResponse: `fields` without events, then `events`. */
export function encodeWatchResponse(fields: Omit<rpc.WatchResponseInit, 'events'>, events: readonly MvccEvent[]): Buffer {
  return encode(fields, events, 0);
}

/** The response after `prefix` bytes, which hold gRPC's message prefix when there are 5. */
function encode(fields: Omit<rpc.WatchResponseInit, 'events'>, events: readonly MvccEvent[], prefix: number): Buffer {
  const watchId = fields.watch_id ?? 0;
  const plain =
    fields.created !== true &&
    fields.canceled !== true &&
    (fields.compact_revision ?? 0) === 0 &&
    (fields.cancel_reason ?? '') === '' &&
    Number.isSafeInteger(watchId) &&
    watchId >= 0;
  if (!plain) return withPrefix(encodeWithWriter(fields, events), prefix);
  // The event responses, sent once per watcher per publish: written by hand into one buffer.
  const head = fields.header === undefined ? undefined : headerField(fields.header);
  const bodies = events.map(eventBytes);
  let size = head?.length ?? 0;
  if (watchId !== 0) size += 1 + varintSize(watchId);
  if (fields.fragment === true) size += 2;
  for (const b of bodies) size += 1 + varintSize(b.length) + b.length;
  const out = Buffer.allocUnsafe(prefix + size);
  let at = prefix;
  if (prefix > 0) writePrefix(out, size);
  if (head !== undefined) {
    out.set(head, at);
    at += head.length;
  }
  if (watchId !== 0) {
    out[at++] = WATCH_ID_TAG;
    at = putVarint(out, at, watchId);
  }
  if (fields.fragment === true) {
    out[at++] = FRAGMENT_TAG;
    out[at++] = 1;
  }
  for (const b of bodies) {
    out[at++] = EVENTS_TAG;
    at = putVarint(out, at, b.length);
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function writePrefix(frame: Buffer, size: number): void {
  frame[0] = 0; // not compressed
  frame.writeUInt32BE(size, 1);
}

function withPrefix(message: Buffer, prefix: number): Buffer {
  if (prefix === 0) return message;
  const frame = Buffer.allocUnsafe(prefix + message.length);
  writePrefix(frame, message.length);
  message.copy(frame, prefix);
  return frame;
}

/** Any response, through protobufjs's writer (control responses: created, canceled, compacted). */
function encodeWithWriter(fields: Omit<rpc.WatchResponseInit, 'events'>, events: readonly MvccEvent[]): Buffer {
  const w = rpc.WatchResponse.encode(fields);
  for (const e of events) w.uint32(EVENTS_TAG).bytes(eventBytes(e));
  const u = w.finish();
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** etcdserverpb.Watch with responses written as bytes already encoded. */
export const PreEncodedWatchService = {
  Watch: { ...rpc.WatchService.Watch, responseSerialize: (b: Buffer): Buffer => b },
} satisfies grpc.ServiceDefinition;
