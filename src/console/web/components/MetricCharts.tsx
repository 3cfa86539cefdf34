// The member's own rates and latencies over the last minutes, from the stream's metrics events.
import type { MetricsSample } from '../lib/types';
import { Sparkline } from './Sparkline';

export function MetricCharts({ samples }: { samples: MetricsSample[] }) {
  const series = (f: (s: MetricsSample) => number): number[] => samples.map(f);
  return (
    <div class="charts">
      <Sparkline title="Writes" unit="/s" values={series((s) => s.writesPerSec)} />
      <Sparkline title="Reads" unit="/s" values={series((s) => s.readsPerSec)} />
      <Sparkline title="Fsync" unit="ms" values={series((s) => s.fsyncMs)} />
      <Sparkline title="Apply" unit="ms" values={series((s) => s.applyMs)} />
      <Sparkline title="Watchers" unit="" values={series((s) => s.watchers)} />
    </div>
  );
}
