// Cluster view: who leads and since when, every member's state, leader changes and live charts.
import type { Ctx } from '../lib/ctx';
import { ageText } from '../lib/format';
import { useClusterStream } from '../lib/use-cluster-stream';
import { ErrorBox } from './ErrorBox';
import { LeaderTimeline } from './LeaderTimeline';
import { MemberTable } from './MemberTable';
import { MetricCharts } from './MetricCharts';

export function ClusterPage({ ctx }: { ctx: Ctx }) {
  const { cluster, timeline, samples, connected, error } = useClusterStream(ctx.api);
  const leader = cluster?.members.find((m) => m.id === cluster.leaderId);
  const names = new Map((cluster?.members ?? []).map((m) => [m.id, m.name]));
  return (
    <section class="page">
      <div class="summary">
        <div class="card">
          <span class="label">Leader</span>
          <strong data-testid="leader-name">{leader?.name ?? (cluster === null ? '…' : 'none')}</strong>
          {cluster?.leaderSince != null && <span class="muted"> for {ageText(cluster.leaderSince, cluster.at)}</span>}
        </div>
        <div class="card">
          <span class="label">Term</span>
          <strong>{cluster?.term ?? '…'}</strong>
        </div>
        <div class="card">
          <span class="label">Members</span>
          <strong>{cluster?.members.length ?? '…'}</strong>
        </div>
        <div class="card">
          <span class="label">Live</span>
          <strong class={connected ? 'ok' : 'bad'}>{connected ? 'connected' : 'disconnected'}</strong>
        </div>
      </div>
      <ErrorBox error={error} />
      <h2>Members</h2>
      {cluster !== null && <MemberTable cluster={cluster} />}
      <h2>Metrics of {ctx.config.name}</h2>
      <MetricCharts samples={samples} />
      <h2>Leader changes</h2>
      <LeaderTimeline events={timeline} names={names} />
    </section>
  );
}
