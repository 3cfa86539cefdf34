import type { ConfChange, ConfChangeType } from './types.js';

// Conf-change entries carry their ConfChange in Entry.data. The layout is
// private to this module: [type:u8][nodeId:u64 BE][context...].

const TYPES: readonly ConfChangeType[] = ['addNode', 'addLearner', 'removeNode'];

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const ctx = cc.context ?? new Uint8Array(0);
  const out = new Uint8Array(9 + ctx.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, TYPES.indexOf(cc.type));
  view.setBigUint64(1, cc.nodeId);
  out.set(ctx, 9);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.length < 9) throw new Error(`conf change entry too short (${data.length} bytes)`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = TYPES[view.getUint8(0)];
  if (type === undefined) throw new Error(`unknown conf change type ${view.getUint8(0)}`);
  const cc: ConfChange = { type, nodeId: view.getBigUint64(1) };
  if (data.length > 9) cc.context = data.slice(9);
  return cc;
}
