// Holders and waiters of locks and elections made with the etcd recipes (etcdctl lock/elect, clientv3 concurrency).
import { b64ToText } from '../lib/bytes';
import type { Ctx } from '../lib/ctx';
import { leaseText } from '../lib/format';
import type { LockEntry, LockGroup } from '../lib/types';
import { usePolled } from '../lib/use-polled';
import { ErrorBox } from './ErrorBox';

function Entry({ e, role }: { e: LockEntry; role: string }) {
  const value = b64ToText(e.value);
  return (
    <tr class={role}>
      <td>{role}</td>
      <td class="mono">{e.key}</td>
      <td class="mono">{leaseText(e.lease)}</td>
      <td>{e.createRevision}</td>
      <td class="mono">{value}</td>
    </tr>
  );
}

export function LocksPage({ ctx }: { ctx: Ctx }) {
  const { data, error } = usePolled<{ groups: LockGroup[] }>(ctx.api, '/ui/api/locks', 2000);
  return (
    <section class="page">
      <h2>Locks and elections</h2>
      <ErrorBox error={error} />
      {data !== null && data.groups.length === 0 && <p class="muted">No locks or elections held.</p>}
      {data?.groups.map((g) => (
        <div key={g.prefix} class="lock-group" data-testid="lock-group" data-kind={g.kind}>
          <h3>
            <span class={`pill ${g.kind}`}>{g.kind}</span> <span class="mono">{g.prefix}</span>{' '}
            <span class="muted small">{g.waiters.length} waiting</span>
          </h3>
          <table>
            <thead>
              <tr>
                <th />
                <th>Key</th>
                <th>Lease</th>
                <th>Create rev</th>
                <th>{g.kind === 'election' ? 'Proposal' : 'Value'}</th>
              </tr>
            </thead>
            <tbody>
              <Entry e={g.holder} role={g.kind === 'election' ? 'leader' : 'holder'} />
              {g.waiters.map((w) => (
                <Entry key={w.key} e={w} role="waiter" />
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
