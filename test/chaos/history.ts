// The recorded history of a chaos run, shared by the runner (which writes it)
// and the checkers (which judge it). Everything is plain JSON so a failing
// run can be saved to a file and re-checked with check-file.ts: int64
// revisions and lease IDs are decimal strings, times are monotonic
// milliseconds (performance.now() offsets) from one clock for the whole run.

/**
 * ok: the server answered and the effect is known. fail: known NOT applied
 * (a definite error such as InvalidArgument). info: indeterminate (timeout,
 * UNAVAILABLE, lost connection): it may take effect at any time after invoke,
 * or never.
 */
export type Outcome = 'ok' | 'fail' | 'info';

/** An int64 revision as a decimal string, e.g. "42". */
export type Rev = string;

interface KvOpBase {
  /** Position in the recorded history (unique); used in error messages. */
  index?: number;
  /** Client id. */
  process: number | string;
  key: string;
  invokeMs: number;
  /** Response received, or the client gave up (info). Must be >= invokeMs. */
  completeMs: number;
  outcome: Outcome;
  /** Error text for fail / info, for humans. */
  error?: string;
}

/** A linearizable Range of one key. Info reads carry no information and are ignored. */
export interface ReadOp extends KvOpBase {
  type: 'read';
  /** ok: the value read; null when the key does not exist. */
  value?: string | null;
  /** ok: the kv's mod_revision (absent or "0" when the key does not exist). */
  modRevision?: Rev;
  /** ok: the response header revision. */
  revision?: Rev;
}

/** A Put. */
export interface WriteOp extends KvOpBase {
  type: 'write';
  value: string;
  /** ok: the response header revision, i.e. the put's own revision. */
  revision?: Rev;
}

/**
 * Txn(If compare Then Put(key, value)). Compare on value (`expected`, where
 * null means "the key does not exist", e.g. create_revision == 0) or on
 * mod_revision (`expectedModRevision`, "0" meaning "does not exist").
 * A Txn that returned succeeded=false may be recorded either as outcome
 * 'fail' (dropped: known not applied) or, better, as outcome 'ok' with
 * succeeded: false, which the checker then verifies (the compare was false
 * at some point of the call).
 */
export interface CasOp extends KvOpBase {
  type: 'cas';
  compare?: 'value' | 'mod_revision';
  expected?: string | null;
  expectedModRevision?: Rev;
  value: string;
  /** With outcome ok: whether the Then branch ran. Defaults to true. */
  succeeded?: boolean;
  /** ok: the response header revision (the put's revision when succeeded). */
  revision?: Rev;
}

/** A DeleteRange of one key. */
export interface DeleteOp extends KvOpBase {
  type: 'delete';
  /** ok: the response's `deleted` count (0 or 1), when known. */
  deleted?: number;
  /** ok: the response header revision (the delete's revision when deleted = 1). */
  revision?: Rev;
}

export type KvOp = ReadOp | WriteOp | CasOp | DeleteOp;

// ---- Watches ---------------------------------------------------------------

export interface WatchEvent {
  /** The kv's mod_revision, i.e. the revision of the change. */
  revision: Rev;
  key: string;
  type: 'put' | 'delete';
  /** put: the new value. */
  value?: string;
  createRevision?: Rev;
  version?: string;
  /** Only when the watch asked for prev_kv: the previous value, null if none. */
  prevValue?: string | null;
}

/**
 * One watch stream, from its creation until it ended (cancelled, stream
 * broken, member killed, end of test). A watcher that reconnects and resumes
 * at last-seen + 1 produces several segments with the same `watcher` id.
 */
export interface WatchObservation {
  /** Logical watcher id; segments of a resumed watch share it. */
  watcher: string;
  /** Order of this segment within the logical watcher (defaults to start revision order). */
  segment?: number;
  /** The watched range as in WatchCreateRequest: one key, [key, rangeEnd), or a prefix. */
  key: string;
  rangeEnd?: string;
  prefix?: boolean;
  /** The start_revision requested. */
  startRevision: Rev;
  /**
   * Inclusive: the stream is known to have delivered every event up to this
   * revision (a progress notification's or the last response's header
   * revision). Events after it are checked for agreement but not for gaps.
   */
  endRevision: Rev;
  /** In arrival order. */
  events: WatchEvent[];
}

// ---- Locks -----------------------------------------------------------------

/** Txn(If mod_revision(lockKey) == fencingRevision Then Put(key, value)). */
export interface GuardedWrite {
  key: string;
  value?: string;
  invokeMs: number;
  completeMs: number;
  /** ok: the txn succeeded (write applied); fail: compare false (fenced out) or a definite error; info: unknown. */
  outcome: Outcome;
  /** Response header revision (the write's revision when ok). */
  revision?: Rev;
}

/** One acquisition of a lock by a holder, from Lock to Unlock. */
export interface LockSection {
  holder: string;
  /** Lock name; only sections of the same lock exclude each other. */
  lock: string;
  /** The holder's key under the lock prefix (from the Lock response). */
  lockKey?: string;
  /** The lock key's create revision: the fencing token. */
  fencingRevision: Rev;
  /** Lock response received. */
  acquireMs: number;
  /** Lock response header revision. */
  acquireRevision?: Rev;
  /** Unlock sent; undefined if the holder never released (crashed, lease expired). */
  releaseMs?: number;
  /** Unlock response header revision: the lock key's delete revision. */
  releaseRevision?: Rev;
  writes: GuardedWrite[];
}

// ---- Leases ----------------------------------------------------------------

export interface TimedCall {
  invokeMs: number;
  completeMs: number;
}

export interface LeaseKeepAlive extends TimedCall {
  /** TTL in the response; <= 0 means the server said the lease is gone. */
  ttlMs: number;
}

export interface LeaseObservation extends TimedCall {
  /** Whether a linearizable read found the attached key. */
  present: boolean;
}

export interface LeaseRecord {
  leaseId: string;
  /** The TTL granted (LeaseGrant response). */
  ttlMs: number;
  grant: TimedCall;
  /** The key attached with Put(key, WithLease); only the lease may remove it. */
  key: string;
  /** The ok Put that attached it. */
  attach: TimedCall;
  /** Every keep-alive response received (invokeMs: when that request was sent). */
  keepAlives: LeaseKeepAlive[];
  /** An ok LeaseRevoke, if any. */
  revoke?: TimedCall;
  observations: LeaseObservation[];
}

// ---- Final state -----------------------------------------------------------

export interface FinalKv {
  key: string;
  value: string;
  modRevision: Rev;
}

/** A member's whole key space (or the test's prefix of it), read at the end after healing. */
export interface MemberFinalState {
  member: string;
  /** Header revision of the read. */
  revision?: Rev;
  kvs: FinalKv[];
}

export interface MemberHash {
  member: string;
  /** The revision HashKV was asked for (the same for every member). */
  revision: Rev;
  /** The uint32 hash, as a decimal string. */
  hash: string;
  compactRevision?: Rev;
}

export interface FinalState {
  members: MemberFinalState[];
  hashes: MemberHash[];
}

// ---- The file --------------------------------------------------------------

export interface ChaosHistory {
  version: 1;
  /** Free-form run description (seed, nemesis schedule, cluster size...). */
  meta?: Record<string, unknown>;
  ops?: KvOp[];
  watches?: WatchObservation[];
  locks?: LockSection[];
  leases?: LeaseRecord[];
  /** Lease deadline parameters; see checkers/leases.ts. leaderChangesMs: when leaders were elected, if known. */
  leaseParams?: { electionTimeoutMs: number; slackMs: number; leaderChangesMs?: number[] };
  final?: FinalState;
}
