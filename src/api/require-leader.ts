// clientv3's WithRequireLeader: a stream whose metadata carries hasleader=true is refused while
// this member knows no leader, and cancelled once the member has gone without one for three
// election timeouts (etcd's monitorLeader and maxNoLeaderCnt), with etcd's "etcdserver: no leader".
// A unary call with it is refused while there is no leader, as etcd's unary interceptor does.
import * as grpc from '@grpc/grpc-js';
import { ERR, toStatus } from './errors.js';

const METADATA_KEY = 'hasleader';
/** Election timeouts without a leader before streams that require one are cancelled. */
const MAX_NO_LEADER_COUNT = 3;

function requiresLeader(meta: grpc.Metadata): boolean {
  return meta.get(METADATA_KEY)[0] === 'true';
}

function noLeader(call: grpc.ServerDuplexStream<unknown, unknown>): void {
  // An 'error' on a server duplex stream ends it with that status.
  call.emit('error', Object.assign(new Error(ERR.noLeader.message), toStatus(ERR.noLeader)));
}

export class LeaderRequirement {
  private readonly streams = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private noLeaderCount = 0;

  constructor(
    private readonly hasLeader: () => boolean,
    private readonly electionTimeoutMs: number,
  ) {}

  run(): void {
    this.timer = setInterval(() => this.check(), this.electionTimeoutMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.streams.clear();
  }

  /** Refuses unary calls that carry hasleader=true while this member knows no leader. */
  readonly unaryInterceptor: grpc.ServerInterceptor = (method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (md, mdNext) => {
            if (method.requestStream || method.responseStream || !requiresLeader(md) || this.hasLeader()) {
              mdNext(md);
              return;
            }
            call.sendStatus({ code: ERR.noLeader.code, details: ERR.noLeader.message, metadata: new grpc.Metadata() });
          },
        }),
    });

  /** Wraps a bidi stream handler so that it honours hasleader=true. */
  guard<Req, Res>(handler: grpc.handleBidiStreamingCall<Req, Res>): grpc.handleBidiStreamingCall<Req, Res> {
    return (call) => {
      if (!requiresLeader(call.metadata)) return handler(call);
      if (!this.hasLeader()) return noLeader(call as grpc.ServerDuplexStream<unknown, unknown>);
      const cancel = (): void => noLeader(call as grpc.ServerDuplexStream<unknown, unknown>);
      this.streams.add(cancel);
      call.once('close', () => this.streams.delete(cancel));
      call.once('cancelled', () => this.streams.delete(cancel));
      return handler(call);
    };
  }

  private check(): void {
    this.noLeaderCount = this.hasLeader() ? 0 : this.noLeaderCount + 1;
    if (this.noLeaderCount < MAX_NO_LEADER_COUNT) return;
    const cancels = [...this.streams];
    this.streams.clear();
    for (const c of cancels) c();
  }
}
