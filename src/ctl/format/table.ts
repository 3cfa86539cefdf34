// The ASCII tables of `etcdctl -w table` (olekukonko/tablewriter as etcdctl
// configures it): centered headers, right-aligned cells.

function center(s: string, width: number): string {
  const gap = width - s.length;
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
}

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const out = [border, line(header.map((h, i) => center(h, widths[i]!))), border];
  for (const r of rows) out.push(line(widths.map((w, i) => (r[i] ?? '').padStart(w))));
  out.push(border);
  return `${out.join('\n')}\n`;
}
