import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BoltReader } from '../bbolt/reader.js';
import { importEtcdBackend } from '../etcd-backend/import.js';
import { DurableLog } from '../storage/durable-log.js';
import { bootstrapNewCluster, type Identity } from './bootstrap.js';
import { defaultConfig, type ServerConfig } from './config.js';

export interface RestoreOptions {
  /** A verified state database taken from a snapshot file. */
  dbPath: string;
  name: string;
  dataDir: string;
  initialCluster: { name: string; peerUrl: string }[];
  initialAdvertisePeerUrls: string[];
  initialClusterToken: string;
}

export type RestoreError =
  | { kind: 'data_dir_exists'; dataDir: string }
  | { kind: 'bad_config'; message: string }
  | { kind: 'import_failed'; path: string; message: string };

export function describeRestoreError(e: RestoreError): string {
  if (e.kind === 'data_dir_exists') return `data-dir "${e.dataDir}" exists`;
  if (e.kind === 'import_failed') return `cannot import etcd's ${e.path}: ${e.message}`;
  return e.message;
}

type Restored = { ok: true; identity: Identity } | { ok: false; error: RestoreError };

// A restored member keeps every key, revision and lease of the snapshot and forgets everything
// about the cluster it came from: membership, alarms and the applied index are reset, and a fresh
// Raft log bootstraps the new cluster, so the new members and cluster get new IDs, as in etcd.
export function restoreDataDir(opts: RestoreOptions): Restored {
  if (existsSync(opts.dataDir) && readdirSync(opts.dataDir).length > 0) {
    return { ok: false, error: { kind: 'data_dir_exists', dataDir: opts.dataDir } };
  }
  const memberDir = join(opts.dataDir, 'member');
  mkdirSync(memberDir, { recursive: true, mode: 0o700 });
  const statePath = join(memberDir, 'state.db');
  copyFileSync(opts.dbPath, statePath);
  forgetCluster(statePath);
  const config = {
    ...defaultConfig(opts.name),
    dataDir: opts.dataDir,
    initialCluster: opts.initialCluster,
    initialAdvertisePeerUrls: opts.initialAdvertisePeerUrls,
    initialClusterToken: opts.initialClusterToken,
  };
  return bootstrapLog(memberDir, config);
}

/**
 * A data dir made by `etcdctl snapshot restore` (etcd's backend in member/snap/db, etcd's WAL in
 * member/wal) and not yet used by raftkv: imports the backend into a new state database and
 * bootstraps the cluster the flags describe, as `raftkvctl snapshot restore` would have. etcd's
 * files are left in place. `adopted` is false when the data dir is not such a dir.
 */
export function adoptEtcdDataDir(config: ServerConfig): { ok: true; adopted: boolean } | { ok: false; error: RestoreError } {
  const memberDir = join(config.dataDir, 'member');
  const etcdDb = join(memberDir, 'snap', 'db');
  const statePath = join(memberDir, 'state.db');
  if (!existsSync(etcdDb) || existsSync(statePath) || existsSync(join(memberDir, 'raft.db'))) return { ok: true, adopted: false };
  const part = `${statePath}.import`;
  rmSync(part, { force: true });
  try {
    const bolt = BoltReader.open(etcdDb);
    try {
      importEtcdBackend(bolt, part);
    } finally {
      bolt.close();
    }
    rmSync(`${part}-wal`, { force: true });
    rmSync(`${part}-shm`, { force: true });
    renameSync(part, statePath);
  } catch (e) {
    rmSync(part, { force: true });
    return { ok: false, error: { kind: 'import_failed', path: etcdDb, message: e instanceof Error ? e.message : String(e) } };
  }
  forgetCluster(statePath);
  const r = bootstrapLog(memberDir, config);
  if (!r.ok) return r;
  return { ok: true, adopted: true };
}

function forgetCluster(statePath: string): void {
  const db = new Database(statePath);
  try {
    db.pragma('journal_mode = WAL');
    db.transaction(() => {
      for (const table of ['members', 'removed_members', 'alarms']) {
        const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
        if (exists !== undefined) db.exec(`DELETE FROM ${table}`);
      }
      db.exec('UPDATE apply_state SET applied_index = 0');
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

function bootstrapLog(memberDir: string, config: ServerConfig): Restored {
  const log = new DurableLog(join(memberDir, 'raft.db'));
  try {
    return { ok: true, identity: bootstrapNewCluster(config, log) };
  } catch (e) {
    return { ok: false, error: { kind: 'bad_config', message: e instanceof Error ? e.message : String(e) } };
  } finally {
    log.close();
  }
}
