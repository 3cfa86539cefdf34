// `raftkvctl version` prints what etcdctl 3.4.23 prints, word for word.
import { describe, expect, it } from 'vitest';
import { Etcdctl } from '../support/etcdctl.js';
import { prereqs } from '../support/env.js';
import { raftkvctl } from '../support/raftkvctl.js';

const pre = prereqs({ etcdctl: true });

describe.skipIf(pre.skip)('raftkvctl version = etcdctl version', () => {
  it('with and without arguments or a format', async () => {
    pre.assert();
    // No server involved: an endpoint nobody listens on.
    const endpoint = '127.0.0.1:1';
    for (const args of [['version'], ['version', 'x'], ['version', '-w', 'json']]) {
      const theirs = await new Etcdctl(endpoint).run(args);
      const ours = await raftkvctl(endpoint).run(args);
      expect({ out: ours.stdout, err: ours.stderr, code: ours.code }).toEqual({ out: theirs.stdout, err: theirs.stderr, code: theirs.code });
    }
    const r = await raftkvctl(endpoint).run(['version']);
    expect(r.stdout).toBe('etcdctl version: 3.4.23\nAPI version: 3.4\n');
  });
});
