// Tables of the MVCC store: every version of every key in revision order (etcd's key bucket), its
// value in a table of its own, and the two revisions. Which versions a key has, and where, lives
// in memory (key-index.ts) and is rebuilt from kv_history on start, so nothing on disk is ordered
// by key and a write only appends.
import type Database from 'better-sqlite3';

const DDL = `
-- One row per change (a put or a delete's tombstone). id is the insertion order, which is (rev,
-- sub) order; the key index points at it.
CREATE TABLE IF NOT EXISTS kv_history (
  id         INTEGER PRIMARY KEY,
  rev        INTEGER NOT NULL,          -- main revision of the write
  sub        INTEGER NOT NULL,          -- sub-revision inside that write
  key        BLOB    NOT NULL,
  create_rev INTEGER NOT NULL,          -- 0 for a tombstone
  version    INTEGER NOT NULL,          -- 0 for a tombstone
  lease      INTEGER NOT NULL,          -- int64 lease ID, 0 = none
  tombstone  INTEGER NOT NULL           -- 1 = delete marker
);
-- Watchers catching up read history from a revision on; appended in order like the table.
CREATE INDEX IF NOT EXISTS kv_history_rev ON kv_history (rev);

-- The value of each put, apart, so rebuilding the key index reads only the small rows above.
CREATE TABLE IF NOT EXISTS kv_values (
  id    INTEGER PRIMARY KEY,            -- kv_history.id
  value BLOB NOT NULL
);

-- current_rev and compact_rev. Persisted explicitly: the current revision must survive even when
-- the newest history rows are tombstones removed by compaction.
CREATE TABLE IF NOT EXISTS mvcc_meta (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO mvcc_meta (name, value) VALUES ('current_rev', 1), ('compact_rev', 0);
`;

export function ensureSchema(db: Database.Database): void {
  db.exec(DDL);
}
