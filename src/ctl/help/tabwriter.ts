// Go's text/tabwriter as etcdctl runs its help through it (tabwidth 8,
// padding 1, padchar '\t', no flags): a tab ends a cell; cells of one column
// are aligned over each run of consecutive lines that have that column, and
// padded with tabs to a multiple of 8. The last cell of a line is not aligned.

const TAB_WIDTH = 8;

function format(lines: readonly string[][], widths: number[], out: string[], line0: number, line1: number): void {
  const column = widths.length;
  let start = line0;
  for (let i = line0; i < line1; i++) {
    if (column >= lines[i]!.length - 1) continue;
    // A block of lines having a cell in this column starts here.
    writeLines(lines, widths, out, start, i);
    start = i;
    let width = 0;
    for (; i < line1 && column < lines[i]!.length - 1; i++) width = Math.max(width, lines[i]![column]!.length + 1);
    widths.push(width);
    format(lines, widths, out, start, i);
    widths.pop();
    start = i;
    i--;
  }
  writeLines(lines, widths, out, start, line1);
}

function writeLines(lines: readonly string[][], widths: readonly number[], out: string[], line0: number, line1: number): void {
  for (let i = line0; i < line1; i++) {
    const cells = lines[i]!;
    let s = '';
    cells.forEach((cell, j) => {
      s += cell;
      if (j < cells.length - 1 && j < widths.length) {
        const cellWidth = Math.ceil(widths[j]! / TAB_WIDTH) * TAB_WIDTH;
        s += '\t'.repeat(Math.ceil((cellWidth - cell.length) / TAB_WIDTH));
      }
    });
    out[i] = s;
  }
}

/** `text` as Go's tabwriter (configured as etcdctl's help does) writes it. */
export function tabwrite(text: string): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  const out: string[] = new Array<string>(lines.length).fill('');
  format(lines, [], out, 0, lines.length);
  return out.join('\n');
}
