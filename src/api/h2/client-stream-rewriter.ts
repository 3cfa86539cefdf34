// Follows the client-to-server byte stream of an HTTP/2 connection (RFC 9113
// §3.4 preface, §4.1 frames) and replaces header blocks whose :authority
// nghttp2 would reject. Everything else is forwarded as slices of the input
// chunks, in order; a chunk without such a block comes out as the chunk itself.
// On anything unexpected it stops rewriting and passes the rest through, so
// nghttp2 sees (and reports) exactly what the client sent. A header block
// beyond what nghttp2 would accept anyway (too many CONTINUATION frames, too
// many octets) is refused instead: the owner then closes the connection, so a
// CONTINUATION flood cannot pin memory here (CVE-2024-28182 is nghttp2's case).
import { HeaderBlockRewriter, HpackError } from './header-block-rewriter.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const FRAME_HEADER_SIZE = 9;
const TYPE_HEADERS = 0x1;
const TYPE_SETTINGS = 0x4;
const TYPE_PUSH_PROMISE = 0x5;
const TYPE_PING = 0x6;
const PING_PAYLOAD = 8;
const TYPE_CONTINUATION = 0x9;
const FLAG_ACK = 0x1;
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;
/** Rebuilt frames stay within the SETTINGS_MAX_FRAME_SIZE floor every peer accepts. */
const MAX_EMITTED_PAYLOAD = 16384;
/** nghttp2's default cap on CONTINUATION frames per header block (NGHTTP2_DEFAULT_MAX_CONTINUATIONS, 1.61.0+). */
export const MAX_CONTINUATIONS = 8;
/**
 * The most octets (frame headers included) a header block can take that nghttp2 would accept:
 * a HEADERS frame plus MAX_CONTINUATIONS CONTINUATIONs, each within the default
 * SETTINGS_MAX_FRAME_SIZE, which grpc-js does not raise.
 */
export const MAX_BLOCK_BYTES = (1 + MAX_CONTINUATIONS) * (FRAME_HEADER_SIZE + MAX_EMITTED_PAYLOAD);

const enum Mode {
  Preface,
  FrameHeader,
  Payload,
  Collect,
  PassThrough,
  /** The connection is to be closed: input is dropped. */
  Refused,
}

interface HeldFrame {
  header: Buffer;
  payload: Buffer;
}

export class ClientStreamRewriter {
  readonly hpack: HeaderBlockRewriter;
  private mode = Mode.Preface;
  private prefaceSeen = 0;
  /** Partial frame header carried over from the previous chunk. */
  private readonly partial = Buffer.alloc(FRAME_HEADER_SIZE);
  private partialFill = 0;
  /** Payload octets left in the current frame (Payload and Collect modes). */
  private remaining = 0;
  // The header block being collected: finished frames, and the current frame's header and payload parts.
  private held: HeldFrame[] = [];
  private current: Buffer | null = null;
  private currentParts: Buffer[] = [];
  private heldBytes = 0;
  /** CONTINUATION frames in the header block being collected. */
  private continuations = 0;
  private giveUpReason: string | null = null;
  private refuseReason: string | null = null;
  /** Complete header blocks seen so far. */
  headerBlocks = 0;
  /**
   * True while the first SETTINGS ACK is still to be removed from the stream: it answers a
   * SETTINGS frame the front sent itself (connection-probe.ts), which nghttp2 never sent.
   */
  dropSettingsAck = false;
  /**
   * While set, each PING the client sends is taken out of the stream and handed here to be
   * answered (connection-probe.ts, before nghttp2 has the connection).
   */
  answerPings: ((payload: Buffer) => void) | null = null;
  /** A PING split across reads went through unanswered: only nghttp2 can answer it now. */
  pingPassedThrough = false;

  constructor(maxTableSize = 4096) {
    this.hpack = new HeaderBlockRewriter(maxTableSize);
  }

  /** Why rewriting stopped (null while it is active). */
  get stoppedBecause(): string | null {
    return this.giveUpReason;
  }

  /** Why the connection must be closed (null while it may go on); push then returns nothing more. */
  get refusedBecause(): string | null {
    return this.refuseReason;
  }

  /** Consumes one chunk; returns what to forward now, in order. */
  push(chunk: Buffer): Buffer[] {
    if (this.mode === Mode.PassThrough) return [chunk];
    if (this.mode === Mode.Refused) return [];
    const out: Buffer[] = [];
    const len = chunk.length;
    let pos = 0;
    let runStart = 0; // chunk[runStart, pos) is forwarded unchanged, but not yet emitted
    const cutRun = (end: number): void => {
      if (end > runStart) out.push(runStart === 0 && end === len ? chunk : chunk.subarray(runStart, end));
      runStart = end;
    };
    while (pos < len) {
      switch (this.mode) {
        case Mode.Preface: {
          while (pos < len && this.prefaceSeen < PREFACE.length) {
            if (chunk[pos] !== PREFACE[this.prefaceSeen]) {
              this.stop('no HTTP/2 client preface');
              break;
            }
            pos++;
            this.prefaceSeen++;
          }
          if (this.mode === Mode.Preface && this.prefaceSeen === PREFACE.length) this.mode = Mode.FrameHeader;
          break;
        }
        case Mode.FrameHeader: {
          const headerStart = pos;
          let header: Buffer;
          let inChunk: boolean;
          if (this.partialFill === 0 && len - pos >= FRAME_HEADER_SIZE) {
            header = chunk.subarray(pos, pos + FRAME_HEADER_SIZE);
            inChunk = true;
            pos += FRAME_HEADER_SIZE;
          } else {
            // Split header: hold its octets back until the frame type is known.
            if (this.partialFill === 0) cutRun(pos);
            const take = Math.min(FRAME_HEADER_SIZE - this.partialFill, len - pos);
            chunk.copy(this.partial, this.partialFill, pos, pos + take);
            this.partialFill += take;
            pos += take;
            runStart = pos;
            if (this.partialFill < FRAME_HEADER_SIZE) break;
            header = Buffer.from(this.partial);
            this.partialFill = 0;
            inChunk = false;
          }
          const length = header.readUIntBE(0, 3);
          const type = header[3] ?? 0;
          const flags = header[4] ?? 0;
          const collecting = this.current !== null || this.held.length > 0;
          const fits = len - pos >= length;
          if (collecting !== (type === TYPE_CONTINUATION) || type === TYPE_PUSH_PROMISE) {
            // A frame other than CONTINUATION inside a header block, a stray
            // CONTINUATION, or a client PUSH_PROMISE: connection errors for nghttp2.
            if (inChunk) cutRun(headerStart);
            this.stopAt(out, inChunk ? null : header, `unexpected frame type ${type}`);
            break;
          }
          if (collecting && header.readUInt32BE(5) !== this.held[0]?.header.readUInt32BE(5)) {
            if (inChunk) cutRun(headerStart);
            this.stopAt(out, inChunk ? null : header, 'CONTINUATION on another stream');
            break;
          }
          if (this.dropSettingsAck && type === TYPE_SETTINGS && (flags & FLAG_ACK) !== 0 && length === 0) {
            this.dropSettingsAck = false;
            if (inChunk) cutRun(headerStart);
            runStart = pos; // a split header was held in `partial` and is simply not emitted
            break;
          }
          if (this.answerPings !== null && type === TYPE_PING && (flags & FLAG_ACK) === 0) {
            if (inChunk && fits && length === PING_PAYLOAD) {
              cutRun(headerStart);
              const payload = Buffer.from(chunk.subarray(pos, pos + PING_PAYLOAD));
              pos += PING_PAYLOAD;
              runStart = pos;
              this.answerPings(payload);
              break;
            }
            this.pingPassedThrough = true; // and on as any other frame
          }
          if (type === TYPE_HEADERS && inChunk && fits && (flags & FLAG_END_HEADERS) !== 0) {
            // Fast path: a whole single-frame block inside this chunk.
            const frame = { header, payload: chunk.subarray(pos, pos + length) };
            const rebuilt = this.processBlock([frame]);
            pos += length;
            if (rebuilt !== null) {
              cutRun(headerStart);
              out.push(...rebuilt);
              runStart = pos;
            }
            break;
          }
          if (type === TYPE_HEADERS || type === TYPE_CONTINUATION) {
            if (inChunk) cutRun(headerStart);
            runStart = pos; // the header is held in `current`, not in the run
            if (type === TYPE_CONTINUATION && ++this.continuations > MAX_CONTINUATIONS) {
              this.refuse('too many CONTINUATION frames in a header block');
              break;
            }
            this.heldBytes += FRAME_HEADER_SIZE + length;
            if (this.heldBytes > MAX_BLOCK_BYTES) {
              this.refuse('header block too large');
              break;
            }
            this.current = header;
            this.currentParts = [];
            this.remaining = length;
            this.mode = Mode.Collect;
            if (length === 0) this.frameCollected(out);
            break;
          }
          if (!inChunk) out.push(header);
          this.remaining = length;
          this.mode = length > 0 ? Mode.Payload : Mode.FrameHeader;
          break;
        }
        case Mode.Payload: {
          const take = Math.min(this.remaining, len - pos);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.mode = Mode.FrameHeader;
          break;
        }
        case Mode.Collect: {
          const take = Math.min(this.remaining, len - pos);
          this.currentParts.push(chunk.subarray(pos, pos + take));
          pos += take;
          runStart = pos;
          this.remaining -= take;
          if (this.remaining === 0) this.frameCollected(out);
          break;
        }
        default: // PassThrough or Refused, possibly entered within this chunk
          pos = len;
          break;
      }
    }
    if (this.refuseReason !== null) return out; // nothing from the refused frame on goes out
    cutRun(len);
    return out;
  }

  /** End of input: whatever is held back (an incomplete frame), unchanged. */
  flush(): Buffer[] {
    const out: Buffer[] = [];
    if (this.refuseReason !== null) return out;
    if (this.mode !== Mode.PassThrough) this.stopAt(out, null, 'end of stream');
    if (this.partialFill > 0) out.push(Buffer.from(this.partial.subarray(0, this.partialFill)));
    this.partialFill = 0;
    return out;
  }

  private frameCollected(out: Buffer[]): void {
    const header = this.current;
    if (header === null) return;
    const payload = this.currentParts.length === 1 ? (this.currentParts[0] ?? Buffer.alloc(0)) : Buffer.concat(this.currentParts);
    this.held.push({ header, payload });
    this.current = null;
    this.currentParts = [];
    this.mode = Mode.FrameHeader;
    if (((header[4] ?? 0) & FLAG_END_HEADERS) === 0) return;
    const frames = this.held;
    this.held = [];
    this.heldBytes = 0;
    this.continuations = 0;
    const rebuilt = this.processBlock(frames);
    if (rebuilt !== null) {
      out.push(...rebuilt);
    } else {
      for (const f of frames) out.push(f.header, f.payload);
    }
  }

  /** Rewrites a complete header block; null means "forward the frames as they are". */
  private processBlock(frames: HeldFrame[]): Buffer[] | null {
    this.headerBlocks++;
    const first = frames[0];
    if (first === undefined) return null;
    const flags = first.header[4] ?? 0;
    const payload = first.payload;
    let start = 0;
    let end = payload.length;
    if (flags & FLAG_PADDED) {
      start = 1;
      end -= payload[0] ?? 0;
    }
    let priority: Buffer | null = null;
    if (flags & FLAG_PRIORITY) {
      priority = payload.subarray(start, start + 5);
      start += 5;
    }
    if (end < start) {
      this.stop('HEADERS padding or priority longer than the frame');
      return null;
    }
    const fragment = payload.subarray(start, end);
    const block = frames.length === 1 ? fragment : Buffer.concat([fragment, ...frames.slice(1).map((f) => f.payload)]);
    let rewritten: Buffer | null;
    try {
      rewritten = this.hpack.rewrite(block);
    } catch (e) {
      if (!(e instanceof HpackError)) throw e;
      this.stop(`HPACK: ${e.message}`);
      return null;
    }
    if (rewritten === null) return null;
    return headerFrames(first.header, priority, rewritten);
  }

  private stop(reason: string): void {
    this.mode = Mode.PassThrough;
    this.giveUpReason = reason;
  }

  /** Stops rewriting, first releasing the held frames (and `header`, a frame header already read) unchanged. */
  private stopAt(out: Buffer[], header: Buffer | null, reason: string): void {
    for (const f of this.held) out.push(f.header, f.payload);
    if (this.current !== null) out.push(this.current, ...this.currentParts);
    if (header !== null) out.push(header);
    this.held = [];
    this.current = null;
    this.currentParts = [];
    this.heldBytes = 0;
    this.stop(reason);
  }

  /** Drops the held block and all further input; what preceded the block has gone out. */
  private refuse(reason: string): void {
    this.held = [];
    this.current = null;
    this.currentParts = [];
    this.heldBytes = 0;
    this.partialFill = 0;
    this.mode = Mode.Refused;
    this.refuseReason = reason;
  }
}

/**
 * A HEADERS frame plus CONTINUATION frames as needed carrying `block`, on the
 * stream of `original` with its flags except PADDED (padding is dropped) and
 * END_HEADERS (set on the last frame).
 */
export function headerFrames(original: Buffer, priority: Buffer | null, block: Buffer): Buffer[] {
  const streamId = original.readUInt32BE(5);
  const headersFlags = (original[4] ?? 0) & ~(FLAG_PADDED | FLAG_END_HEADERS);
  const prefix = priority === null ? 0 : priority.length;
  const frames: Buffer[] = [];
  let at = 0;
  let first = true;
  do {
    const room = MAX_EMITTED_PAYLOAD - (first ? prefix : 0);
    const take = Math.min(room, block.length - at);
    const last = at + take === block.length;
    const payloadLength = take + (first ? prefix : 0);
    const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payloadLength);
    frame.writeUIntBE(payloadLength, 0, 3);
    frame[3] = first ? TYPE_HEADERS : TYPE_CONTINUATION;
    frame[4] = (first ? headersFlags : 0) | (last ? FLAG_END_HEADERS : 0);
    frame.writeUInt32BE(streamId, 5);
    let w = FRAME_HEADER_SIZE;
    if (first && priority !== null) w += priority.copy(frame, w);
    block.copy(frame, w, at, at + take);
    frames.push(frame);
    at += take;
    first = false;
  } while (at < block.length);
  return frames;
}
