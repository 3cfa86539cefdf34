// raftkvctl against etcdctl 3.4 on the same raftkv node, for commands that
// change nothing (so both see the same state): every output format, byte for
// byte, with the same exit code and stderr.
import { afterEach, describe, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { CtlPair, expectSame } from '../support/raftkvctl.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

const FORMATS = ['simple', 'json', 'fields', 'protobuf', 'table'] as const;

/** A lease's remaining TTL ticks between the two runs. */
const ttlNorm = (s: string): string =>
  s.replace(/remaining\(\d+s\)/g, 'remaining(<N>s)').replace(/"ttl":\d+/g, '"ttl":<N>').replace(/"TTL" : \d+/g, '"TTL" : <N>');

/** Health checks take different times. */
const tookNorm = (s: string): string =>
  s.replace(/took = [^\n]+/g, 'took = <T>').replace(/"took":"[^"]*"/g, '"took":"<T>"').replace(/"Took" : [^\n]+/g, '"Took" : <T>');

describe.skipIf(pre.skip)('raftkvctl = etcdctl (read-only commands, every format)', () => {
  const f = useNode(pre);
  let pair: CtlPair | undefined;
  const p = (): CtlPair => (pair ??= new CtlPair(f.ctl));
  afterEach(() => pair?.killAll());
  let leaseHex = '';

  it('seed', async () => {
    await f.ctl.run(['put', 'foo', 'bar']);
    for (const k of ['a', 'b', 'c']) await f.ctl.run(['put', `/p/${k}`, `v-${k}\n"q"\x01`]);
    const grant = await f.ctl.run(['lease', 'grant', '600']);
    leaseHex = grant.stdout.split(' ')[1]!;
    await f.ctl.run(['put', '--lease', leaseHex, '/p/leased', 'x']);
  });

  for (const w of FORMATS) {
    describe(`-w ${w}`, () => {
      const cases: string[][] = [
        ['get', 'foo'],
        ['get', '--prefix', '/p/', '--keys-only'],
        ['get', '--prefix', '/p/', '--print-value-only'],
        ['get', '--prefix', '/p/', '--limit', '2', '--hex'],
        ['get', '--from-key', '/p/b', '--order', 'DESCEND', '--sort-by', 'MODIFY'],
        ['get', 'missing'],
        ['get', '/p/a', '/p/c', 'ignored'],
        ['del', 'missing'],
        ['member', 'list'],
        ['endpoint', 'status'],
        ['endpoint', 'status', '--cluster'],
        ['endpoint', 'hashkv'],
        ['endpoint', 'hashkv', '--cluster'],
        ['lease', 'list'],
      ];
      for (const args of cases) {
        it(args.join(' '), async () => {
          await p().expectSame([...args, '-w', w], { norm: f.n });
        });
      }

      // etcd 3.4 answers Alarm without a response header (etcdctl -w json prints {}), which
      // etcdctl -w fields dereferences and panics on; checked against etcd 3.4.23.
      for (const sub of ['list', 'disarm']) {
        it(`alarm ${sub} (no header, which etcdctl -w fields dereferences)`, async () => {
          const [a, b] = await p().both(['alarm', sub, '-w', w]);
          // Go's panic stack is not reproduced: its first line and the exit status are.
          const firstLine = (s: string): string => s.split('\n')[0]!;
          expectSame({ ...a, stderr: firstLine(a.stderr) }, { ...b, stderr: firstLine(b.stderr) }, { binary: w === 'protobuf' });
        });
      }

      it('lease timetolive --keys / keep-alive --once', async () => {
        await p().expectSame(['lease', 'timetolive', leaseHex, '--keys', '-w', w], { norm: ttlNorm });
        await p().expectSame(['lease', 'timetolive', 'abcdef', '-w', w]);
        await p().expectSame(['lease', 'keep-alive', '--once', leaseHex, '-w', w], { norm: ttlNorm });
      });

      it('txn with only reads (success and failure branches)', async () => {
        await p().expectSame(['txn', '-w', w], { stdin: 'value("foo") = "bar"\n\nget foo\nget --prefix /p/\n\nget missing\n\n' });
        await p().expectSame(['txn', '-w', w], { stdin: 'mod("foo") > "1000"\nver("foo") != "1"\n\nget foo\n\nget --prefix /p/ --limit 1\n\n' });
        await p().expectSame(['txn', '-i', '-w', w], { stdin: 'create("foo") < "100"\n\nget foo --keys-only\n\n\n' });
      });

      if (w !== 'protobuf' && w !== 'table') {
        it('endpoint health', async () => {
          await p().expectSame(['endpoint', 'health', '-w', w], { norm: tookNorm });
          await p().expectSame(['endpoint', 'health', '--cluster', '-w', w], { norm: tookNorm });
        });
      }
    });
  }
});

describe.skipIf(pre.skip)('raftkvctl = etcdctl (errors and exit codes)', () => {
  const f = useNode(pre);
  let pair: CtlPair | undefined;
  const p = (): CtlPair => (pair ??= new CtlPair(f.ctl));
  afterEach(() => pair?.killAll());

  const txnInputs: Record<string, string> = {
    'empty stdin': '',
    'stdin ends inside the compares': 'value("a") = "b"\n',
    'unquoted compare': 'value(txnkey) == bar\n\n\n\n',
    'unknown target': 'foo("k") = "1"\n\n\n\n',
    'non-numeric version': 'version("k") = "x"\n\n\n\n',
    'no parenthesis': 'novalue\n\n\n\n',
    'op without key': '\nget\n\n\n',
    'unknown op': '\nfoo a b c\n\n\n',
    'put without value': '\nput a\n\n\n',
    'del with three words': '\ndel a b c\n\n\n',
    'get --prefix with range_end': '\nget --prefix a b\n\n\n',
    'quoted words': '\nget "a b" "c d"\n\n\n',
  };
  for (const [name, stdin] of Object.entries(txnInputs)) {
    it(`txn: ${name}`, async () => {
      await p().expectSame(['txn'], { stdin });
    });
  }

  const cases: string[][] = [
    ['txn', 'extra-arg'],
    ['get'],
    ['get', 'a', '--prefix', '--from-key'],
    ['get', 'a', '--consistency', 'x'],
    ['get', 'a', '--order', 'UP'],
    ['get', 'a', '--sort-by', 'SIZE'],
    ['get', 'a', '-w', 'yaml'],
    ['put'],
    ['put', 'a', 'b', 'c'],
    ['put', 'a', 'b', '--ignore-value'],
    ['put', 'a', 'b', '--lease', 'zz'],
    ['del'],
    ['del', 'a', 'b', 'c'],
    ['member', 'add'],
    ['member', 'add', 'n9'],
    ['member', 'add', 'n9', 'http://127.0.0.1:1', 'HTTP://x'],
    ['member', 'remove'],
    ['member', 'remove', 'xyz'],
    ['member', 'remove', '1ffffffffffffffff'],
    ['member', 'update', 'abc'],
    ['member', 'promote', 'nothex'],
    ['lease', 'grant'],
    ['lease', 'grant', 'ten'],
    ['lease', 'revoke', 'zz'],
    ['lease', 'timetolive'],
    ['lease', 'keep-alive', 'zz'],
    ['compaction'],
    ['watch'],
    ['watch', '--prefix', 'a', 'b'],
    ['watch', 'a', '--'],
  ];
  for (const args of cases) {
    it(args.join(' ') || '(none)', async () => {
      await p().expectSame(args);
    });
  }

  it('ETCDCTL_* stand in for global flags', async () => {
    await p().expectSame(['get', 'foo'], { endpoints: null, env: { ETCDCTL_ENDPOINTS: f.node.endpoint, ETCDCTL_WRITE_OUT: 'fields' } });
    await p().expectSame(['member', 'list'], { endpoints: null, env: { ETCDCTL_ENDPOINTS: f.node.endpoint, ETCDCTL_WRITE_OUT: 'table' } });
    await p().expectSame(['get', 'foo'], { endpoints: null, env: { ETCDCTL_ENDPOINTS: f.node.endpoint, ETCDCTL_HEX: 'true' } });
  });

  it('lease revoke / keep-alive --once of a lease that is gone', async () => {
    const id = (await f.ctl.run(['lease', 'grant', '100'])).stdout.split(' ')[1]!;
    await f.ctl.run(['lease', 'revoke', id]);
    await p().expectSame(['lease', 'revoke', id]);
    await p().expectSame(['lease', 'keep-alive', '--once', id]);
  });

  it('ETCDCTL_API other than 3 is refused', async () => {
    await p().expectSame(['get', 'foo'], { env: { ETCDCTL_API: '4' } });
  });

  it('a flag given both ways, and an unknown ETCDCTL_ name (capnslog lines, timestamps aside)', async () => {
    const stamp = (s: string): string => s.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} /gm, '<TS> ');
    await p().expectSame(['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: f.node.endpoint }, norm: stamp });
    await p().expectSame(['get', 'foo'], { env: { ETCDCTL_BOGUS: '1' }, norm: stamp });
  });
});
