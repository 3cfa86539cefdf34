// One row per member: role, term, indexes, lag, DB size, alarms, URLs and version.
import { bytesText } from '../lib/format';
import type { ClusterView } from '../lib/types';

export function MemberTable({ cluster }: { cluster: ClusterView }) {
  return (
    <div class="scroll">
      <table class="members">
        <thead>
          <tr>
            <th>Name</th>
            <th>ID</th>
            <th>Role</th>
            <th>Term</th>
            <th>Commit</th>
            <th>Applied</th>
            <th>Lag</th>
            <th>DB size</th>
            <th>In use</th>
            <th>Alarms</th>
            <th>Client URLs</th>
            <th>Peer URLs</th>
            <th>Version</th>
          </tr>
        </thead>
        <tbody>
          {cluster.members.map((m) => (
            <tr key={m.id} data-testid="member-row" data-role={m.role} data-name={m.name} class={`role-${m.role}`}>
              <td>
                {m.name}
                {m.id === cluster.memberId && <span class="muted"> (this)</span>}
              </td>
              <td class="mono">{m.id}</td>
              <td>
                <span class={`pill ${m.role}`} title={m.error ?? ''}>
                  {m.role}
                </span>
              </td>
              {m.role === 'unreachable' ? (
                <td colSpan={7} class="muted">
                  {m.error ?? 'unreachable'}
                </td>
              ) : (
                <>
                  <td>{m.term}</td>
                  <td>{m.commitIndex}</td>
                  <td>{m.appliedIndex}</td>
                  <td class={m.lag > 0 ? 'warn' : ''}>{m.lag}</td>
                  <td>{bytesText(m.dbSize)}</td>
                  <td>{bytesText(m.dbSizeInUse)}</td>
                  <td>{m.alarms.length === 0 ? <span class="muted">none</span> : <span class="bad">{m.alarms.join(', ')}</span>}</td>
                </>
              )}
              <td class="mono small">{m.clientURLs.join(' ')}</td>
              <td class="mono small">{m.peerURLs.join(' ')}</td>
              <td>{m.version}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
