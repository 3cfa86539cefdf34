// A command group without a subcommand (`etcdctl member`): etcdctl prints the
// group's help on stdout and exits 0, without contacting any server; so does
// raftkvctl, byte for byte.
import { describe, expect, it } from 'vitest';
import { Etcdctl } from '../support/etcdctl.js';
import { prereqs } from '../support/env.js';
import { raftkvctl } from '../support/raftkvctl.js';

const pre = prereqs({ etcdctl: true });

const GROUPS = ['alarm', 'auth', 'check', 'endpoint', 'lease', 'member', 'role', 'snapshot', 'user'];

describe.skipIf(pre.skip)('raftkvctl <group> = etcdctl <group>', () => {
  // No server involved: an endpoint nobody listens on.
  const endpoint = '127.0.0.1:1';

  it('every group, alone and with an unknown subcommand', async () => {
    pre.assert();
    for (const args of [...GROUPS.map((g) => [g]), ['member', 'nosuch'], ['lease', 'x', 'y']]) {
      const theirs = await new Etcdctl(endpoint).run(args);
      const ours = await raftkvctl(endpoint).run(args);
      expect({ args, out: ours.stdout, err: ours.stderr, code: ours.code }).toEqual({ args, out: theirs.stdout, err: theirs.stderr, code: theirs.code });
    }
  });

  it('the layout etcdctl prints', async () => {
    pre.assert();
    const r = await raftkvctl(endpoint).run(['lease']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('GLOBAL OPTIONS:')[0]).toBe(
      [
        'NAME:',
        '\tlease - Lease related commands',
        '',
        'USAGE:',
        '\tetcdctl lease <subcommand> [flags]',
        '',
        'API VERSION:',
        '\t3.4',
        '',
        '',
        'COMMANDS:',
        '\tgrant\t\tCreates leases',
        '\tkeep-alive\tKeeps leases alive (renew)',
        '\tlist\t\tList all active leases',
        '\trevoke\t\tRevokes leases',
        '\ttimetolive\tGet lease information',
        '',
        'OPTIONS:',
        '  -h, --help[=false]\thelp for lease',
        '',
        '',
      ].join('\n'),
    );
    expect(r.stdout.endsWith('  -w, --write-out="simple"\t\t\tset the output format (fields, json, protobuf, simple, table)\n\n')).toBe(true);
  });
});
