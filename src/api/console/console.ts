// The web console on the client port's HTTP/1.1 side: the bundle under /ui/ and the read API
// under /ui/api/ that the front end (src/console/web) is built on; its writes and watches go
// through the JSON gateway instead. Every /ui answer carries the security headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ClientTls } from '../../client/index.js';
import type { Member } from '../../cluster/member-store.js';
import * as rpc from '../../gen/etcdserverpb.js';
import { httpStatusOf } from '../gateway/http-status.js';
import { ERR, type EtcdError } from '../errors.js';
import { callerToken, type ConsoleAuth } from './auth-check.js';
import { clusterView, type ClusterSource, type ClusterView } from './cluster-view.js';
import { consoleConfig } from './console-config.js';
import { EventStreams } from './event-stream.js';
import { history } from './history.js';
import { leases } from './leases.js';
import { locks } from './locks.js';
import { stringParam } from './query.js';
import { tree } from './tree.js';
import type { Result } from '../../mvcc/types.js';
import { sendError, sendJson, setSecurityHeaders } from './headers.js';
import type { LeaderTimeline } from './leader-timeline.js';
import { MemberCalls } from './member-calls.js';
import { MemberStatuses } from './member-status.js';
import { MetricsSampler } from './metrics-sampler.js';
import { StaticFiles } from './static-files.js';

/** What the console needs from the member, handed in by the composition root. */
export interface ConsoleDeps {
  /** --ui-read-only. */
  readOnly: boolean;
  /** The bundle's directory (dist/console). */
  bundleDir: string;
  memberId: bigint;
  name: string;
  version: string;
  auth: ConsoleAuth;
  members(): Member[];
  raft(): { leader: bigint; term: number };
  alarms(): readonly { memberId: bigint; alarm: string }[];
  timeline: LeaderTimeline;
  /** Client TLS for dialling https:// members (the member's own certificate). */
  tls?: ClientTls;
}

/** An API handler: answers with JSON, given the caller's token. */
type ApiHandler = (url: URL, token: string | undefined, res: ServerResponse, req: IncomingMessage) => Promise<void> | void;

export class Console {
  private readonly files: StaticFiles;
  private readonly calls = new MemberCalls();
  private readonly statuses: MemberStatuses;
  private readonly cluster: ClusterSource;
  private readonly routes: Map<string, ApiHandler>;
  private readonly streams: EventStreams;
  private viewInFlight: Promise<ClusterView> | undefined;

  constructor(
    private readonly deps: ConsoleDeps,
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.files = new StaticFiles(deps.bundleDir);
    this.statuses = new MemberStatuses(deps.tls);
    this.cluster = {
      memberId: deps.memberId,
      members: deps.members,
      raft: deps.raft,
      alarms: deps.alarms,
      leaderSince: () => deps.timeline.leaderSince(),
      status: (m) => this.memberStatus(m),
    };
    const sampler = new MetricsSampler(registry, () => this.calls.rangeCalls);
    this.streams = new EventStreams(
      { cluster: () => this.clusterNow(), metrics: () => sampler.sample(), timeline: deps.timeline },
      (err) => this.logger.warn({ err }, 'console stream update failed'),
    );
    const auth = deps.auth;
    this.routes = new Map<string, ApiHandler>([
      ['/ui/api/cluster', async (_url, _token, res) => sendJson(res, 200, await this.clusterNow())],
      ['/ui/api/stream', (_url, token, res, req) => this.streams.open(req, res, () => !auth.enabled() || (token !== undefined && auth.tokenValid(token)))],
      ['/ui/api/tree', async (url, token, res) => {
        const prefix = stringParam(url, 'prefix', false);
        if (!prefix.ok) return badRequest(res, prefix.error);
        answer(res, await tree(this.calls, token, prefix.value));
      }],
      ['/ui/api/history', async (url, token, res) => {
        const key = stringParam(url, 'key', true);
        if (!key.ok) return badRequest(res, key.error);
        if (key.value === '') return sendEtcdError(res, ERR.emptyKey);
        answer(res, await history(this.calls, token, key.value));
      }],
      ['/ui/api/leases', async (_url, token, res) => answer(res, await leases(this.calls, token, (key) => auth.mayRead(token, key)))],
      ['/ui/api/locks', async (_url, token, res) => answer(res, await locks(this.calls, token))],
    ]);
  }

  /** Dials this member's own client port, as the gateway does. */
  connect(target: string, credentials: grpc.ChannelCredentials): void {
    this.calls.connect(target, credentials);
  }

  close(): void {
    this.streams.close();
    this.calls.close();
    this.statuses.close();
  }

  /** Serves a request whose path is /ui or under /ui/. */
  serve(req: IncomingMessage, res: ServerResponse, url: URL): void {
    setSecurityHeaders(res);
    const path = url.pathname;
    if (path === '/ui') {
      res.setHeader('Location', '/ui/');
      res.setHeader('Content-Length', 0);
      res.writeHead(301);
      res.end();
      return;
    }
    if (path.startsWith('/ui/api/')) {
      this.api(req, res, url).catch((err: unknown) => {
        this.logger.warn({ err, path }, 'console API request failed');
        sendError(res, 500, 'internal error', grpc.status.INTERNAL);
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method not allowed', grpc.status.UNIMPLEMENTED);
    this.files.serve(res, path.slice('/ui/'.length), req.method === 'HEAD').catch(() => res.destroy());
  }

  private async api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    if (req.method !== 'GET') {
      // No console API call writes; in read-only mode anything that might is refused outright.
      if (this.deps.readOnly) return sendError(res, 403, 'the console is read-only', grpc.status.PERMISSION_DENIED);
      return sendError(res, 405, 'method not allowed', grpc.status.UNIMPLEMENTED);
    }
    if (path === '/ui/api/config') {
      return sendJson(res, 200, consoleConfig({ ...this.deps, authEnabled: () => this.deps.auth.enabled() }));
    }
    const handler = this.routes.get(path);
    if (handler === undefined) return sendError(res, 404, 'not found', grpc.status.NOT_FOUND);
    const token = callerToken(this.deps.auth, req);
    if (!token.ok) return sendEtcdError(res, token.error);
    await handler(url, token.value, res, req);
  }

  /** The cluster view; callers that ask while one is being made share it (no Status storm). */
  private clusterNow(): Promise<ClusterView> {
    this.viewInFlight ??= clusterView(this.cluster).finally(() => {
      this.viewInFlight = undefined;
      this.statuses.retain(new Set(this.deps.members().map((m) => m.id)));
    });
    return this.viewInFlight;
  }

  private async memberStatus(m: Member): Promise<Awaited<ReturnType<ClusterSource['status']>>> {
    if (m.id !== this.deps.memberId) return this.statuses.status(m);
    // This member answers through its own port, whatever URLs it advertises.
    const r = await this.calls.call(rpc.MaintenanceService.Status, {}, undefined);
    return r.ok ? r : { ok: false, error: r.error.message };
  }
}

/** An etcd error as the console API reports it: the gateway's HTTP status, `{"error","code"}`. */
export function sendEtcdError(res: ServerResponse, e: EtcdError): void {
  sendError(res, httpStatusOf(e.code), e.message, e.code);
}

function badRequest(res: ServerResponse, message: string): void {
  sendError(res, 400, message, grpc.status.INVALID_ARGUMENT);
}

function answer<T>(res: ServerResponse, r: Result<T, EtcdError>): void {
  if (r.ok) sendJson(res, 200, r.value);
  else sendEtcdError(res, r.error);
}
