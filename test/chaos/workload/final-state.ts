// The end of a run, after healing: every member's copy of the run's keys and
// its HashKV, all at one revision R that every member has applied (so the
// states must be identical, whatever happens after R).
import { EtcdClient } from '../../../src/client/index.js';
import { sleep } from '../clock.js';
import type { FinalState, MemberFinalState, MemberHash } from '../history.js';

export interface FinalMember {
  name: string;
  endpoint: string;
}

/** R: the highest revision any member reports; waits until every member has applied it. */
export async function readFinalState(members: readonly FinalMember[], prefix: string, timeoutMs: number): Promise<FinalState> {
  const clients = members.map((m) => new EtcdClient([m.endpoint], { timeoutMs: 3000 }));
  try {
    const revs = async (): Promise<(number | undefined)[]> =>
      Promise.all(clients.map((c) => c.range('health', { serializable: true }).then((r) => r.header?.revision ?? 0, () => undefined)));
    const deadline = Date.now() + timeoutMs;
    let target: number | undefined;
    for (;;) {
      const rs = await revs();
      if (target === undefined && rs.every((r) => r !== undefined)) target = Math.max(...(rs as number[]));
      const t = target;
      if (t !== undefined && rs.every((r) => r !== undefined && r >= t)) break;
      if (Date.now() > deadline) {
        throw new Error(`members did not all reach revision ${target ?? '?'} within ${timeoutMs} ms: ${members.map((m, i) => `${m.name}=${rs[i] ?? '?'}`).join(' ')}`);
      }
      await sleep(200);
    }
    const R = target;
    const states: MemberFinalState[] = [];
    const hashes: MemberHash[] = [];
    for (const [i, m] of members.entries()) {
      const c = clients[i] as EtcdClient;
      const r = await c.range(prefix, { prefix: true, serializable: true, revision: R });
      states.push({
        member: m.name,
        revision: String(R),
        kvs: r.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString(), modRevision: String(kv.mod_revision) })),
      });
      const h = await c.hashKV(R);
      hashes.push({ member: m.name, revision: String(R), hash: String(h.hash >>> 0), compactRevision: String(h.compact_revision) });
    }
    return { members: states, hashes };
  } finally {
    for (const c of clients) c.close();
  }
}
