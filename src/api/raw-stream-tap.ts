// grpc-js sends each message of a stream through an object-mode Writable (one write at a time,
// the next after the previous reached the socket), the interceptor chain, and a serializer that
// copies it into a new frame. A watch event goes to every watcher it matches, so that path cost
// more than the event itself. This tap gives the Watch handler its call's HTTP/2 stream, which it
// writes gRPC frames to directly; grpc-js still reads the requests and ends the call.
import * as grpc from '@grpc/grpc-js';
import type { ServerHttp2Stream } from 'node:http2';

const streams = new WeakMap<grpc.Metadata, ServerHttp2Stream>();

/** The HTTP/2 stream of the call whose metadata this is, when the tap saw it. */
export function rawStreamOf(md: grpc.Metadata): ServerHttp2Stream | undefined {
  return streams.get(md);
}

function serverStreamOf(call: grpc.ServerInterceptingCallInterface): ServerHttp2Stream | undefined {
  const s = (call as unknown as { stream?: Partial<ServerHttp2Stream> }).stream;
  return typeof s?.write === 'function' && typeof s.respond === 'function' ? (s as ServerHttp2Stream) : undefined;
}

/**
 * A server interceptor for `path` only; it must come first in the server's list, where grpc-js
 * hands it its own call object (grpc-js 1.14 keeps the stream in its `stream` field). Calls to
 * other methods pass through untouched, without a layer of their own.
 */
export function rawStreamTap(path: string): grpc.ServerInterceptor {
  return (method, call) => {
    if (method.path !== path) return call as grpc.ServerInterceptingCall;
    const stream = serverStreamOf(call);
    // grpc-js chains calls through the interface only; the class in the signature is a formality.
    if (stream === undefined) return call as grpc.ServerInterceptingCall;
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (md, mdNext) => {
            streams.set(md, stream);
            mdNext(md);
          },
        }),
    });
  };
}
