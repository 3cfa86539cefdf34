import type { Message, MessageType, NodeId } from './types.js';

export function newMessage(
  fields: { type: MessageType; from: NodeId; to: NodeId } & Partial<Message>,
): Message {
  return { term: 0, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0, ...fields };
}

/**
 * Messages that speak for durable state and so must wait until the Ready
 * that produced them is persisted:
 * - MsgAppResp acknowledges entries (the leader counts them toward commit)
 *   and tells a stale leader our term;
 * - MsgVote/MsgVoteResp rely on the (term, vote) being remembered;
 * - MsgHeartbeatResp confirms leadership at our term for ReadIndex.
 * Everything else may go out at once: the leader's MsgApp/MsgSnap/MsgHeartbeat
 * (it counts its own log only once persisted), pre-votes (they change no
 * state), forwarded requests and read responses.
 */
const AFTER_PERSIST: ReadonlySet<MessageType> = new Set<MessageType>([
  'MsgAppResp',
  'MsgVote',
  'MsgVoteResp',
  'MsgHeartbeatResp',
]);

export function mustPersistBeforeSend(type: MessageType): boolean {
  return AFTER_PERSIST.has(type);
}

/** Marks a campaign started by MsgTimeoutNow, which may bypass leader leases. */
export const TRANSFER_CONTEXT = new TextEncoder().encode('CampaignTransfer');

export function isTransferContext(ctx: Uint8Array | undefined): boolean {
  if (ctx === undefined || ctx.length !== TRANSFER_CONTEXT.length) return false;
  for (let i = 0; i < ctx.length; i++) if (ctx[i] !== TRANSFER_CONTEXT[i]) return false;
  return true;
}
