// Leases with their remaining TTL and attached keys.
import type { Ctx } from '../lib/ctx';
import { leaseText } from '../lib/format';
import type { LeaseView } from '../lib/types';
import { usePolled } from '../lib/use-polled';
import { ErrorBox } from './ErrorBox';

export function LeasesPage({ ctx }: { ctx: Ctx }) {
  const { data, error } = usePolled<{ leases: LeaseView[] }>(ctx.api, '/ui/api/leases', 2000);
  return (
    <section class="page">
      <h2>Leases</h2>
      <ErrorBox error={error} />
      {data !== null && data.leases.length === 0 && <p class="muted">No leases.</p>}
      {data !== null && data.leases.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>ID</th>
              <th>TTL left</th>
              <th>Granted TTL</th>
              <th>Keys</th>
            </tr>
          </thead>
          <tbody>
            {data.leases.map((l) => (
              <tr key={l.id} data-testid="lease-row">
                <td class="mono">{leaseText(l.id)}</td>
                <td>{l.ttl < 0 ? 'expired' : `${l.ttl}s`}</td>
                <td>{l.grantedTtl}s</td>
                <td class="mono">{l.keys.length === 0 ? <span class="muted">none</span> : l.keys.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
