// One Watch stream over plain grpc-js, with chosen metadata (e.g. clientv3's hasleader=true), that
// records the responses and the status the stream ends with.
import * as grpc from '@grpc/grpc-js';
import * as rpc from '../../src/gen/etcdserverpb.js';

export interface RawWatch {
  responses: rpc.WatchResponse[];
  /** The stream's end: its status code and details, once it ended. */
  ended: Promise<{ code: number; details: string }>;
  send(req: rpc.WatchRequestInit): void;
  close(): void;
}

export function openWatch(endpoint: string, metadata: Record<string, string> = {}): RawWatch {
  const client = new grpc.Client(endpoint, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  const call = client.makeBidiStreamRequest(
    rpc.WatchService.Watch.path,
    (r: rpc.WatchRequestInit) => Buffer.from(rpc.WatchRequest.encode(r).finish()),
    (b: Buffer) => rpc.WatchResponse.decode(b),
    md,
  );
  const responses: rpc.WatchResponse[] = [];
  call.on('data', (r: rpc.WatchResponse) => responses.push(r));
  const ended = new Promise<{ code: number; details: string }>((resolve) => {
    call.on('error', (e: grpc.ServiceError) => resolve({ code: e.code, details: e.details }));
    call.on('end', () => resolve({ code: grpc.status.OK, details: '' }));
  });
  return {
    responses,
    ended,
    send: (req) => call.write(req),
    close: () => {
      call.cancel();
      client.close();
    },
  };
}
