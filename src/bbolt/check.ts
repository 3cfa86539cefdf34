// bbolt's Tx.Check, the part etcdctl snapshot status relies on: every page below the high water
// mark is used exactly once (metas, freelist, a bucket's tree) or free, and keys are in order.
import type { BoltBucket, BoltReader } from './reader.js';

export function checkBolt(db: BoltReader): string[] {
  const problems: string[] = [];
  const seen = new Map<bigint, string>();
  const mark = (id: bigint, span: number, what: string): void => {
    for (let i = 0n; i < BigInt(span); i++) {
      const p = id + i;
      if (p >= db.meta.pgid) problems.push(`page ${p}: out of bounds: ${db.meta.pgid}`);
      const prev = seen.get(p);
      if (prev !== undefined) problems.push(`page ${p}: multiple references (${prev} and ${what})`);
      seen.set(p, what);
    }
  };
  mark(0n, 1, 'meta');
  mark(1n, 1, 'meta');
  if (db.freelistSynced) mark(db.meta.freelist, db.pageSpan(db.meta.freelist), 'freelist');
  for (const id of db.freePages()) mark(id, 1, 'free');
  try {
    const root = db.root();
    for (const p of root.pages()) mark(p.id, p.span, 'tree');
    checkOrder(root, 'root', problems);
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }
  if (!db.freelistSynced) return problems;
  for (let p = 0n; p < db.meta.pgid; p++) if (!seen.has(p)) problems.push(`page ${p}: unreachable unfreed`);
  return problems;
}

function checkOrder(b: BoltBucket, name: string, problems: string[]): void {
  let prev: Buffer | undefined;
  for (const e of b.entries()) {
    if (prev !== undefined && Buffer.compare(prev, e.key) >= 0) problems.push(`bucket ${name}: key order violation at ${e.key.toString('hex')}`);
    prev = e.key;
    if (e.bucket !== undefined) checkOrder(e.bucket, e.key.toString(), problems);
  }
}
