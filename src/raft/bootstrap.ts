import { encodeConfChange } from './conf-change-codec.js';
import type { MemoryStorage } from './memory-storage.js';
import type { Entry, NodeId } from './types.js';
import { NONE } from './types.js';

/**
 * Writes the initial configuration of a new cluster into an empty storage:
 * one committed 'addNode' conf-change entry per voter at term 1. Members
 * that join later start with an empty storage instead and learn the
 * configuration from the log (or a snapshot) like any other entry.
 */
export function bootstrapStorage(storage: MemoryStorage, voters: readonly NodeId[]): void {
  if (storage.lastIndex() !== 0) throw new Error('bootstrap: storage is not empty');
  const entries: Entry[] = voters.map((id, i) => ({
    index: i + 1,
    term: 1,
    type: 'confChange',
    data: encodeConfChange({ type: 'addNode', nodeId: id }),
  }));
  storage.append(entries);
  storage.setHardState({ term: 1, vote: NONE, commit: entries.length });
}
