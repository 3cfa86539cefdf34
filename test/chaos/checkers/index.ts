// The chaos checkers: pure functions from a recorded history to a verdict.
export { checkHistory, formatReport, parseHistory, type CheckAllOptions, type CheckAllResult, type CheckAllResults } from './check-all.js';
export type { CheckResult, Validity } from './common.js';
export { checkDurability, type DurabilityStats } from './durability.js';
export { checkLeases, type LeaseParams, type LeaseStats } from './leases.js';
export { checkLinearizability, LINEARIZABILITY_DEFAULTS, type LinearizabilityOptions, type LinearizabilityStats } from './linearizability.js';
export { checkLocks, type LockStats } from './locks.js';
export { mutationsOf, type KnownMutation } from './mutations.js';
export { checkRevisionOrder, type RevisionOrderStats } from './revision-order.js';
export { checkWatches, type WatchOptions, type WatchStats } from './watch.js';
