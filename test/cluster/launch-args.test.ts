// `npm run cluster` options and its fixed port plan (the launcher itself binds
// 2379 & co., which tests must not use; it is exercised by hand).
import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../../cluster/launch-args.js';
import { fixedPorts, MAX_NODES } from '../../cluster/ports.js';

describe('launcher arguments', () => {
  it('defaults to three nodes in ./cluster-data, keeping data', () => {
    expect(parseLaunchArgs([])).toEqual({ nodes: 3, baseDir: 'cluster-data', fresh: false, tls: false, help: false });
  });

  it('reads --nodes, --base-dir, --fresh in both spellings', () => {
    expect(parseLaunchArgs(['--nodes', '5', '--base-dir', '/tmp/x', '--fresh'])).toEqual({ nodes: 5, baseDir: '/tmp/x', fresh: true, tls: false, help: false });
    expect(parseLaunchArgs(['--tls']).tls).toBe(true);
    expect(() => parseLaunchArgs(['--tls=yes'])).toThrow(/--tls takes no value/);
    expect(parseLaunchArgs(['--nodes=1', '--base-dir=d'])).toMatchObject({ nodes: 1, baseDir: 'd' });
    expect(parseLaunchArgs(['-h']).help).toBe(true);
  });

  it.each([['--nodes', '0'], ['--nodes', '8'], ['--nodes', '2.5'], ['--nodes'], ['--base-dir', ''], ['--fresh=yes'], ['--port', '1']])(
    'rejects %j',
    (...argv: string[]) => {
      expect(() => parseLaunchArgs(argv)).toThrow();
    },
  );

  it('uses the Procfile/compose ports for n1..n3 and distinct valid ports up to n7', () => {
    expect([0, 1, 2].map(fixedPorts)).toEqual([
      { client: 2379, peer: 2380 },
      { client: 22379, peer: 22380 },
      { client: 32379, peer: 32380 },
    ]);
    const all = Array.from({ length: MAX_NODES }, (_, i) => fixedPorts(i)).flatMap((p) => [p.client, p.peer]);
    expect(new Set(all).size).toBe(2 * MAX_NODES);
    for (const p of all) expect(p).toBeLessThan(65536);
    expect(() => fixedPorts(MAX_NODES)).toThrow();
  });
});
