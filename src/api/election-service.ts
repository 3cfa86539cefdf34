import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type * as v3electionpb from '../gen/v3electionpb.js';
import { campaign, leader, proclaim, resign, type Leadership } from './concurrency/election.js';
import { inProcessClient, type InProcessDeps } from './concurrency/in-process-client.js';
import { observe } from './concurrency/observe.js';
import { sessionLease } from './concurrency/session.js';
import type { SessionClient } from './concurrency/session-client.js';
import { ERR } from './errors.js';
import { asPlainError, callContext, cancellableUnary, reject, reply, unary, type Reply } from './handler.js';

/** A LeaderKey as etcd's server resumes an election from it: under a session on its lease. */
async function resumed(c: SessionClient, k: v3electionpb.LeaderKey | undefined): Promise<Reply<Leadership>> {
  if (k === undefined) return reject(ERR.missingLeaderKey);
  const lease = await sessionLease(c, k.lease);
  if (!lease.ok) return asPlainError(lease);
  return reply({ name: k.name, key: k.key, rev: k.rev, lease: lease.value });
}

// v3electionpb.Election: etcd's election server, concurrency.Election run in-process for the caller.
export function electionService(d: InProcessDeps, logger: Logger): v3electionpb.ElectionHandlers {
  async function campaignCall(
    req: v3electionpb.CampaignRequest,
    meta: grpc.Metadata,
    signal: AbortSignal,
  ): Promise<Reply<v3electionpb.CampaignResponseInit>> {
    const c = inProcessClient(d, meta);
    const lease = await sessionLease(c, req.lease);
    if (!lease.ok) return asPlainError(lease);
    const r = await campaign(c, req.name, lease.value, req.value, signal);
    if (!r.ok) return asPlainError(r);
    return reply({ header: r.value.header, leader: r.value.leader });
  }

  async function proclaimCall(req: v3electionpb.ProclaimRequest, meta: grpc.Metadata): Promise<Reply<v3electionpb.ProclaimResponseInit>> {
    const c = inProcessClient(d, meta);
    const l = await resumed(c, req.leader);
    if (!l.ok) return l;
    const r = await proclaim(c, l.value, req.value);
    return r.ok ? reply({ header: r.value }) : asPlainError(r);
  }

  async function resignCall(req: v3electionpb.ResignRequest, meta: grpc.Metadata): Promise<Reply<v3electionpb.ResignResponseInit>> {
    const c = inProcessClient(d, meta);
    const l = await resumed(c, req.leader);
    if (!l.ok) return l;
    const r = await resign(c, l.value);
    return r.ok ? reply({ header: r.value }) : asPlainError(r);
  }

  async function leaderCall(req: v3electionpb.LeaderRequest, meta: grpc.Metadata): Promise<Reply<v3electionpb.LeaderResponseInit>> {
    const r = await leader(inProcessClient(d, meta), req.name);
    return r.ok ? reply(r.value) : asPlainError(r);
  }

  // Ends with OK once observing stops (a failed read or watch), as etcd's server does.
  const observeCall: grpc.handleServerStreamingCall<v3electionpb.LeaderRequest, v3electionpb.LeaderResponseInit> = (call) => {
    const ctx = callContext(call);
    const send = (p: v3electionpb.LeaderResponseInit): void => void call.write(p);
    void observe(inProcessClient(d, call.metadata), call.request.name, send, ctx.signal)
      .catch((err: unknown) => logger.error({ err }, 'election observe failed'))
      .finally(() => {
        ctx.done();
        call.end();
      });
  };

  return {
    Campaign: cancellableUnary(logger, campaignCall),
    Proclaim: unary(logger, proclaimCall),
    Leader: unary(logger, leaderCall),
    Observe: observeCall,
    Resign: unary(logger, resignCall),
  };
}
