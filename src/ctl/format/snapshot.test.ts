import { describe, expect, it } from 'vitest';
import { snapshotStatusOutput } from './snapshot.js';

const s = { hash: 3622631959, revision: 56, totalKey: 21, totalSize: 20480 };

describe('snapshot status output', () => {
  it('matches etcdctl in every format', () => {
    expect(snapshotStatusOutput(s, 'simple')).toBe('d7ecfa17, 56, 21, 20 kB\n');
    expect(snapshotStatusOutput(s, 'json')).toBe('{"hash":3622631959,"revision":56,"totalKey":21,"totalSize":20480}\n');
    expect(snapshotStatusOutput(s, 'table')).toBe(
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
});
