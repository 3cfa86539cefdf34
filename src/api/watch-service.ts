import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { canRange } from '../auth/guard.js';
import * as rpc from '../gen/etcdserverpb.js';
import type { AuthStore } from '../auth/auth-store.js';
import { WatchStream, type WatchCreateRequest, type WatchFilter, type WatchHub, type WatchResponse } from '../watch/index.js';
import { ERR } from './errors.js';
import { credentialsOf } from './handler.js';
import { makeHeader, type HeaderSource } from './header.js';
import { encodeWatchResponse } from './watch-encoding.js';

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
}

// etcdserverpb.Watch: one WatchStream per gRPC stream; gRPC flow control pauses it.
export function watchService(d: WatchDeps, logger: Logger): { handlers: grpc.UntypedServiceImplementation; stop: () => void } {
  const open = new Set<WatchStream>();

  const watch: grpc.handleBidiStreamingCall<rpc.WatchRequest, Buffer> = (call) => {
    const write: WatchSend = (resp) =>
      call.write(
        encodeWatchResponse(
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
        ),
      );
    const send = d.wrapSend?.(write) ?? write;
    const stream = new WatchStream(d.hub, send, { progressIntervalMs: d.progressIntervalMs });
    open.add(stream);
    call.on('drain', () => stream.resume());
    call.on('data', (req: rpc.WatchRequest) => {
      if (req.create_request !== undefined) {
        // A watcher the user may not read is created and cancelled at once, as etcd answers it.
        const c = req.create_request;
        if (canRange(d.auth, credentialsOf(call.metadata), c) !== undefined) {
          call.write(
            encodeWatchResponse(
              { header: makeHeader(d.header), watch_id: c.watch_id, created: true, canceled: true, cancel_reason: ERR.permissionDenied.message },
              [],
            ),
          );
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
