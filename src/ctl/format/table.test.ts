import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('centers headers and right-aligns cells like etcdctl', () => {
    const out = renderTable(['HASH', 'REVISION', 'TOTAL KEYS', 'TOTAL SIZE'], [['d7ecfa17', '56', '21', '20 kB']]);
    expect(out).toBe(
      [
        '+----------+----------+------------+------------+',
        '|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |',
        '+----------+----------+------------+------------+',
        '| d7ecfa17 |       56 |         21 |      20 kB |',
        '+----------+----------+------------+------------+',
        '',
      ].join('\n'),
    );
  });

  it('puts the odd padding space on the right of a header', () => {
    const out = renderTable(['STATUS'], [['started']]);
    expect(out.split('\n')[1]).toBe('| STATUS  |');
  });

  it('renders a header-only table', () => {
    expect(renderTable(['A'], [])).toBe('+---+\n| A |\n+---+\n+---+\n');
  });
});
