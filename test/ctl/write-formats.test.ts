// raftkvctl against etcdctl 3.4 for commands that change the cluster: two
// fresh raftkv nodes given the same history, etcdctl on one and raftkvctl on
// the other, so revisions match; each node's IDs are normalized, and IDs the
// commands create (leases, members) are matched up by position.
import { afterEach, describe, expect, it } from 'vitest';
import * as rpc from '../../src/gen/etcdserverpb.js';
import { protoJson } from '../../src/ctl/format/json.js';
import type { CtlOptions, CtlResult } from '../support/etcdctl.js';
import { prereqs } from '../support/env.js';
import { raftkvctl, zapNorm } from '../support/raftkvctl.js';
import { useNode, type NodeFixture } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

const FORMATS = ['simple', 'json', 'fields', 'protobuf', 'table'] as const;

type Decoder = { decode(b: Buffer): unknown };

/** IDs a command created, as printed: decimal in json/fields, hex in simple. */
function createdIds(out: string): bigint[] {
  const ids: bigint[] = [];
  for (const m of out.matchAll(/"ID":(\d+)|"ID" : (\d+)/g)) ids.push(BigInt(m[1] ?? m[2]!));
  for (const m of out.matchAll(/^(?:lease|Member) +([0-9a-f]+) /gm)) ids.push(BigInt(`0x${m[1]!}`));
  return ids;
}

describe.skipIf(pre.skip)('raftkvctl = etcdctl (commands that write, every format)', () => {
  const a = useNode(pre);
  const b = useNode(pre);
  const ours = () => raftkvctl(b.node.endpoint);
  let created = 0;
  afterEach(() => ours().killAll());

  function learnIds(ra: CtlResult, rb: CtlResult): void {
    const ia = createdIds(ra.stdout);
    const ib = createdIds(rb.stdout);
    ia.forEach((id, i) => {
      const other = ib[i];
      if (other === undefined || other === a.norm.memberId || id === a.norm.memberId) return;
      a.norm.addId(id, `<NEW${created}>`);
      b.norm.addId(other, `<NEW${created}>`);
      created++;
    });
  }

  function view(fx: NodeFixture, r: CtlResult, pb: Decoder | undefined): unknown {
    const text = pb !== undefined && r.code === 0 ? protoJson(pb.decode(r.stdoutBytes)) : r.stdout;
    // Random member IDs: %16x pads them to different widths.
    // The members are listed by ID, and a new member's ID is random: compare them as a set.
    const stdout = fx
      .n(text.replace(/^Member +[0-9a-f]+ (added to|removed from|updated in) cluster +/gm, 'Member <ID> $1 cluster '))
      .replace(/^ETCD_INITIAL_CLUSTER="(.*)"$/m, (_m, list: string) => `ETCD_INITIAL_CLUSTER="${list.split(',').sort().join(',')}"`)
      .replace(/^"ID" : \d+$/gm, '"ID" : <ID>');
    return { stdout, stderr: zapNorm(fx.n(r.stderr)), code: r.code };
  }

  /** Runs etcdctl on node A and raftkvctl on node B; expects the same (normalized) result. */
  async function step(args: string[], opts: CtlOptions & { pb?: Decoder } = {}): Promise<[CtlResult, CtlResult]> {
    const ra = await a.ctl.run(args, opts);
    const rb = await ours().run(args, { ...opts, endpoints: b.node.endpoint });
    learnIds(ra, rb);
    expect(view(b, rb, opts.pb)).toEqual(view(a, ra, opts.pb));
    return [ra, rb];
  }

  for (const w of FORMATS) {
    const pb = <T extends Decoder>(codec: T): Decoder | undefined => (w === 'protobuf' ? codec : undefined);
    describe(`-w ${w}`, () => {
      it('put, put --prev-kv, del --prev-kv', async () => {
        await step(['put', `k-${w}`, 'v1', '-w', w], { pb: pb(rpc.PutResponse) });
        await step(['put', `k-${w}`, 'v2', '--prev-kv', '-w', w], { pb: pb(rpc.PutResponse) });
        await step(['put', `k-${w}`, '--ignore-value', '-w', w], { pb: pb(rpc.PutResponse) });
        await step(['del', `k-${w}`, '--prev-kv', '-w', w], { pb: pb(rpc.DeleteRangeResponse) });
      });

      it('txn with writes', async () => {
        const stdin = `version("t-${w}") = "0"\n\nput t-${w} one\nput --prev-kv u-${w} two\nget t-${w}\n\ndel t-${w}\n\n`;
        await step(['txn', '-w', w], { stdin, pb: pb(rpc.TxnResponse) });
        await step(['txn', '-w', w], { stdin, pb: pb(rpc.TxnResponse) });
      });

      it('lease grant / revoke', async () => {
        const [ra, rb] = await step(['lease', 'grant', '100', '-w', w], { pb: pb(rpc.ResponseHeader) });
        if (w === 'protobuf' || w === 'table') return;
        const idA = createdIds(ra.stdout)[0]!;
        const idB = createdIds(rb.stdout)[0]!;
        const revA = await a.ctl.run(['lease', 'revoke', idA.toString(16), '-w', w]);
        const revB = await ours().run(['lease', 'revoke', idB.toString(16), '-w', w], { endpoints: b.node.endpoint });
        expect(view(b, revB, undefined)).toEqual(view(a, revA, undefined));
      });

      // json and protobuf list the members by ID, and new IDs are random: their order differs between the nodes.
      it.skipIf(w === 'json' || w === 'protobuf')('member add / update / remove', async () => {
        const peer = `http://127.0.0.1:${w.length + 40000}`;
        // As a learner: a voting member that never starts would cost the one-node cluster its quorum.
        const [ra, rb] = await step(['member', 'add', `extra-${w}`, '--learner', `--peer-urls=${peer}`, '-w', w], {
          pb: pb(rpc.MemberAddResponse),
        });
        // The new member's ID, from the cluster (any format prints it differently).
        const newId = async (fx: NodeFixture): Promise<string> => {
          const list = await fx.ctl.run(['member', 'list']);
          return list.stdout.split('\n').find((l) => l.includes('unstarted'))!.split(',')[0]!;
        };
        const idA = await newId(a);
        const idB = await newId(b);
        expect([ra.code, rb.code]).toEqual([ra.code, ra.code]);
        for (const [cmd, extra] of [['update', [`--peer-urls=${peer}1`]], ['promote', []], ['remove', []]] as const) {
          const x = await a.ctl.run(['member', cmd, idA, ...extra, '-w', w]);
          const y = await ours().run(['member', cmd, idB, ...extra, '-w', w], { endpoints: b.node.endpoint });
          const codec = cmd === 'update' ? rpc.MemberUpdateResponse : cmd === 'remove' ? rpc.MemberRemoveResponse : undefined;
          expect(view(b, y, codec && pb(codec))).toEqual(view(a, x, codec && pb(codec)));
        }
      });
    });
  }

  it('compaction', async () => {
    await step(['compaction', '3']);
    await step(['compaction', '3']);
    await step(['compaction', '--physical', '4']);
    await step(['compaction', '99999']);
  });
});
