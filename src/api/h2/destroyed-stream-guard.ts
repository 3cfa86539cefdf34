// grpc-js (1.14.7) answers a new stream it cannot serve (a content-type other than gRPC's, an
// unknown method) with stream.respond(), which throws when the stream is already destroyed. Node
// emits 'stream' a tick after reading the HEADERS frame, so a connection error read in the same
// chunk (e.g. a WINDOW_UPDATE of 0) has destroyed the session and its streams by then; the throw,
// from an event handler, took the member down. A stream destroyed by then cannot carry an answer
// anyway: it is dropped before grpc-js sees it, keeping the one thing grpc-js would have added
// first, a listener for the stream's 'error' event (still to come when the stream was destroyed
// with an error; unheard, it too would take the member down).
import type * as grpc from '@grpc/grpc-js';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';

type StreamHandler = (this: grpc.Server, extraInterceptors: unknown, stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void;

/** grpc-js's per-stream handlers (which one it uses depends on channelz), as it looks them up when it sets up an HTTP/2 server. */
const HANDLERS = ['_channelzHandler', '_streamHandler'] as const;

/** Installs the guard on `server`; call before it creates any HTTP/2 server (bindAsync, createConnectionInjector). */
export function dropDestroyedStreams(server: grpc.Server): void {
  const handlers = server as unknown as Record<(typeof HANDLERS)[number], StreamHandler | undefined>;
  for (const name of HANDLERS) {
    const original = handlers[name];
    // A grpc-js without these methods has changed its internals: fail at startup, not under attack.
    if (typeof original !== 'function') throw new Error(`@grpc/grpc-js Server has no ${name}; src/api/h2/destroyed-stream-guard.ts needs updating`);
    handlers[name] = function (this: grpc.Server, extraInterceptors, stream, headers): void {
      if (stream.destroyed) {
        stream.on('error', () => undefined);
        return;
      }
      original.call(this, extraInterceptors, stream, headers);
    };
  }
}
