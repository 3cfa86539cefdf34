// What the differential tests share: the outcome of one request (answer or gRPC error), the
// header normalisation, and a JSON replacer that makes bigints and Buffers readable in diffs.
import { EtcdClientError } from '../../src/client/index.js';

export type Outcome = { ok: true; value: unknown } | { ok: false; code: number; message: string };

/**
 * The response header's cluster_id, member_id and raft_term differ between the two by design.
 * Only the outer header carries them (a txn's inner headers hold a revision alone), so only
 * the outer one is normalised.
 */
export function normalise(v: unknown): unknown {
  const r = v as { header?: Record<string, unknown> };
  if (r.header === undefined) return v;
  const { cluster_id: _c, member_id: _m, raft_term: _t, ...rest } = r.header;
  return { ...r, header: rest };
}

/** The normalised answer of a call, or its gRPC code and message. */
export async function outcomeOf(call: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: normalise(await call) };
  } catch (e) {
    if (e instanceof EtcdClientError) return { ok: false, code: e.code, message: e.details };
    throw e;
  }
}

export function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer') {
    return `b:${Buffer.from((v as { data: number[] }).data).toString('latin1')}`;
  }
  return v;
}
