import * as grpc from '@grpc/grpc-js';
import type { ServerHttp2Stream } from 'node:http2';
import type { Logger } from 'pino';
import { canRange } from '../auth/guard.js';
import * as rpc from '../gen/etcdserverpb.js';
import type { AuthStore } from '../auth/auth-store.js';
import type { MvccEvent } from '../mvcc/types.js';
import { WatchStream, type WatchCreateRequest, type WatchFilter, type WatchHub, type WatchResponse } from '../watch/index.js';
import { ERR } from './errors.js';
import { credentialsOf } from './handler.js';
import { makeHeader, type HeaderSource } from './header.js';
import { encodeWatchFrame, encodeWatchResponse } from './watch-encoding.js';

function toCreate(r: rpc.WatchCreateRequest): WatchCreateRequest {
  const filters: WatchFilter[] = [];
  for (const f of r.filters) {
    if (f === rpc.WatchCreateRequest_FilterType.NOPUT) filters.push('noput');
    else if (f === rpc.WatchCreateRequest_FilterType.NODELETE) filters.push('nodelete');
  }
  return {
    key: r.key,
    rangeEnd: r.range_end,
    startRevision: r.start_revision,
    progressNotify: r.progress_notify,
    filters,
    prevKv: r.prev_kv,
    watchId: r.watch_id,
    fragment: r.fragment,
  };
}

/** Writes one response to a watch stream; false asks the stream to pause until drained. */
export type WatchSend = (resp: WatchResponse) => boolean;

export interface WatchDeps {
  header: HeaderSource;
  hub: WatchHub;
  auth: AuthStore;
  /** Wraps each stream's writer (the fault-injection entry point reorders responses with it). */
  wrapSend?: (send: WatchSend) => WatchSend;
  /** --experimental-watch-progress-notify-interval (etcd's 10 minutes when absent). */
  progressIntervalMs?: number;
  /** A call's HTTP/2 stream, to write responses to past grpc-js (raw-stream-tap.ts), and the count of them. */
  direct?: { streamOf(md: grpc.Metadata): ServerHttp2Stream | undefined; sent(): void };
}

type ResponseFields = Omit<rpc.WatchResponseInit, 'events'>;

/** Writes a response; false asks the caller to wait for 'drain'. */
type ResponseWriter = (fields: ResponseFields, events: readonly MvccEvent[]) => boolean;

/**
 * Responses as gRPC frames straight to the call's HTTP/2 stream, in the order written. grpc-js
 * sent the response headers first (sendMetadata), and ends the call with its trailers later.
 */
function directWriter(call: grpc.ServerDuplexStream<rpc.WatchRequest, Buffer>, raw: ServerHttp2Stream, sent: () => void): ResponseWriter {
  call.sendMetadata(new grpc.Metadata());
  // grpc-js listens for one 'error' only; a write racing the stream's end must not add an unheard one.
  raw.on('error', () => undefined);
  return (fields, events) => {
    if (raw.destroyed || raw.closed || raw.writableEnded) return true; // the call's close handlers tidy up
    sent();
    return raw.write(encodeWatchFrame(fields, events));
  };
}

// etcdserverpb.Watch: one WatchStream per gRPC stream; gRPC flow control pauses it.
export function watchService(d: WatchDeps, logger: Logger): { handlers: grpc.UntypedServiceImplementation; stop: () => void } {
  const open = new Set<WatchStream>();

  const watch: grpc.handleBidiStreamingCall<rpc.WatchRequest, Buffer> = (call) => {
    const raw = d.direct?.streamOf(call.metadata);
    const respond: ResponseWriter =
      raw !== undefined && d.direct !== undefined
        ? directWriter(call, raw, d.direct.sent)
        : (fields, events) => call.write(encodeWatchResponse(fields, events));
    const write: WatchSend = (resp) =>
      respond(
        {
          header: makeHeader(d.header, resp.revision),
          watch_id: resp.watchId,
          created: resp.created,
          canceled: resp.canceled,
          compact_revision: resp.compactRevision,
          cancel_reason: resp.cancelReason,
          fragment: resp.fragment,
        },
        resp.events,
      );
    const send = d.wrapSend?.(write) ?? write;
    const stream = new WatchStream(d.hub, send, { progressIntervalMs: d.progressIntervalMs });
    open.add(stream);
    (raw ?? call).on('drain', () => stream.resume());
    call.on('data', (req: rpc.WatchRequest) => {
      if (req.create_request !== undefined) {
        // A watcher the user may not read is created and cancelled at once, as etcd answers it.
        const c = req.create_request;
        if (canRange(d.auth, credentialsOf(call.metadata), c) !== undefined) {
          respond({ header: makeHeader(d.header), watch_id: c.watch_id, created: true, canceled: true, cancel_reason: ERR.permissionDenied.message }, []);
          return;
        }
        stream.create(toCreate(c));
      }
      else if (req.cancel_request !== undefined) stream.cancel(req.cancel_request.watch_id);
      else if (req.progress_request !== undefined) stream.requestProgress();
    });
    const close = (): void => {
      if (!open.delete(stream)) return;
      stream.close();
    };
    // A client that half-closes still reads: etcd ends a watch stream only when the client
    // cancels it or goes away ('cancelled', 'close').
    call.on('end', () => undefined);
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', (err: Error) => {
      logger.debug({ err }, 'watch stream error');
      close();
    });
  };

  return {
    handlers: { Watch: watch },
    stop: () => {
      for (const s of open) s.close();
      open.clear();
    },
  };
}
