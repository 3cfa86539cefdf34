// Public surface of the Raft module.
export { bootstrapStorage } from './bootstrap.js';
export { decodeConfChange, encodeConfChange } from './conf-change-codec.js';
export type { RaftConfig } from './config.js';
export { isStorageError } from './errors.js';
export type { DropReason, ProposeError, StorageError, StorageErrorKind } from './errors.js';
export { MemoryStorage } from './memory-storage.js';
export { RawNode } from './raw-node.js';
export type { ProgressStatus, Status } from './raw-node.js';
export type { Storage } from './storage.js';
export * from './types.js';
