// A small hand-drawn SVG line chart of the last samples, with the latest value.
import { numText } from '../lib/format';

const W = 240;
const H = 60;

export function Sparkline({ title, unit, values }: { title: string; unit: string; values: number[] }) {
  const max = Math.max(1e-9, ...values);
  const step = values.length > 1 ? W / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(H - (v / max) * (H - 4) - 2).toFixed(1)}`).join(' ');
  const last = values.length > 0 ? values[values.length - 1] : undefined;
  return (
    <figure class="chart" data-testid="chart">
      <figcaption>
        <span>{title}</span>
        <strong>
          {last === undefined ? '–' : numText(last, 2)} <span class="muted">{unit}</span>
        </strong>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={title}>
        <line x1="0" y1={H - 1} x2={W} y2={H - 1} class="axis" />
        {values.length > 1 && <polyline points={points} class="line" />}
      </svg>
      <span class="muted small">max {numText(max === 1e-9 ? 0 : max, 2)}</span>
    </figure>
  );
}
