import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { canRange } from '../auth/guard.js';
import * as rpc from '../gen/etcdserverpb.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { WatchStream, type WatchCreateRequest, type WatchFilter, type WatchResponse } from '../watch/index.js';
import { fromEvent } from '../wire/responses.js';
import { ERR } from './errors.js';
import { tokenOf } from './handler.js';
import { makeHeader } from './header.js';

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

// etcdserverpb.Watch: one WatchStream per gRPC stream; gRPC flow control pauses it.
export function watchService(server: EtcdServer, logger: Logger): { handlers: rpc.WatchHandlers; stop: () => void } {
  const open = new Set<WatchStream>();

  const reorder = server.config.testHooks.bugs.has('watch-reorder');

  const watch: grpc.handleBidiStreamingCall<rpc.WatchRequest, rpc.WatchResponseInit> = (call) => {
    const write = (resp: WatchResponse): boolean =>
      call.write({
        header: makeHeader(server, resp.revision),
        watch_id: resp.watchId,
        created: resp.created,
        canceled: resp.canceled,
        compact_revision: resp.compactRevision,
        cancel_reason: resp.cancelReason,
        fragment: resp.fragment,
        events: resp.events.map(fromEvent),
      });
    const send = reorder ? reorderingSend(write) : write;
    const stream = new WatchStream(server.watchHub, send);
    open.add(stream);
    call.on('drain', () => stream.resume());
    call.on('data', (req: rpc.WatchRequest) => {
      if (req.create_request !== undefined) {
        // A watcher the user may not read is created and cancelled at once, as etcd answers it.
        const c = req.create_request;
        if (canRange(server.auth, tokenOf(call.metadata), c) !== undefined) {
          call.write({
            header: makeHeader(server),
            watch_id: c.watch_id,
            created: true,
            canceled: true,
            cancel_reason: ERR.permissionDenied.message,
          });
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
    call.on('end', () => {
      close();
      call.end();
    });
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

/**
 * Injected bug for the chaos tests (--test-bug watch-reorder): every fifth event response is held
 * back and sent after the one that follows it.
 */
function reorderingSend(write: (resp: WatchResponse) => boolean): (resp: WatchResponse) => boolean {
  let held: WatchResponse | undefined;
  let count = 0;
  return (resp) => {
    if (resp.events.length === 0) return write(resp);
    if (held === undefined && ++count % 5 === 0) {
      held = resp;
      return true;
    }
    const ok = write(resp);
    if (held === undefined) return ok;
    const late = held;
    held = undefined;
    return write(late) && ok;
  };
}
