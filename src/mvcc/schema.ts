// Tables of the MVCC store (kine's model: one table of row versions), plus a
// `latest` table so reads at the current revision are an index range scan.
import type Database from 'better-sqlite3';

const DDL = `
-- Every version of every key, tombstones included. id is an explicit INTEGER
-- PRIMARY KEY (a stable rowid) so mvcc_latest can point at it; values stay in
-- a rowid table because WITHOUT ROWID tables suit small rows only.
CREATE TABLE IF NOT EXISTS mvcc_history (
  id         INTEGER PRIMARY KEY,
  rev        INTEGER NOT NULL,          -- main revision of the write
  sub        INTEGER NOT NULL,          -- sub-revision inside that write
  key        BLOB    NOT NULL,
  value      BLOB    NOT NULL,          -- empty for a tombstone
  create_rev INTEGER NOT NULL,          -- 0 for a tombstone
  version    INTEGER NOT NULL,          -- 0 for a tombstone
  lease      INTEGER NOT NULL,          -- int64 lease ID, 0 = none
  tombstone  INTEGER NOT NULL           -- 1 = delete marker
);
-- Watch/history scans, compaction and uniqueness of (rev, sub).
CREATE UNIQUE INDEX IF NOT EXISTS mvcc_history_rev ON mvcc_history (rev, sub);
-- Newest version <= R of a key (reads at old revisions, prev_kv, compaction).
CREATE INDEX IF NOT EXISTS mvcc_history_key ON mvcc_history (key, rev, sub);

-- One row per live key: its newest version. Rows are small, hence WITHOUT ROWID.
CREATE TABLE IF NOT EXISTS mvcc_latest (
  key   BLOB    PRIMARY KEY,
  id    INTEGER NOT NULL,               -- mvcc_history.id of the newest version
  lease INTEGER NOT NULL                -- duplicated from that version for the lease index
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mvcc_latest_lease ON mvcc_latest (lease, key);

-- current_rev and compact_rev. Persisted explicitly: the current revision must
-- survive even when the newest history rows are tombstones removed by compaction.
CREATE TABLE IF NOT EXISTS mvcc_meta (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO mvcc_meta (name, value) VALUES ('current_rev', 1), ('compact_rev', 0);
`;

export function ensureSchema(db: Database.Database): void {
  db.exec(DDL);
}
