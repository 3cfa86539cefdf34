import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DurableLog } from '../storage/durable-log.js';
import { bootstrapNewCluster, type Identity } from './bootstrap.js';
import { defaultConfig } from './config.js';

export interface RestoreOptions {
  /** A verified state database taken from a snapshot file. */
  dbPath: string;
  name: string;
  dataDir: string;
  initialCluster: { name: string; peerUrl: string }[];
  initialAdvertisePeerUrls: string[];
  initialClusterToken: string;
}

export type RestoreError = { kind: 'data_dir_exists'; dataDir: string } | { kind: 'bad_config'; message: string };

// A restored member keeps every key, revision and lease of the snapshot and forgets everything
// about the cluster it came from: membership, alarms and the applied index are reset, and a fresh
// Raft log bootstraps the new cluster, so the new members and cluster get new IDs, as in etcd.
export function restoreDataDir(opts: RestoreOptions): { ok: true; identity: Identity } | { ok: false; error: RestoreError } {
  if (existsSync(opts.dataDir) && readdirSync(opts.dataDir).length > 0) {
    return { ok: false, error: { kind: 'data_dir_exists', dataDir: opts.dataDir } };
  }
  const memberDir = join(opts.dataDir, 'member');
  mkdirSync(memberDir, { recursive: true, mode: 0o700 });
  const statePath = join(memberDir, 'state.db');
  copyFileSync(opts.dbPath, statePath);
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
  const config = {
    ...defaultConfig(opts.name),
    dataDir: opts.dataDir,
    initialCluster: opts.initialCluster,
    initialAdvertisePeerUrls: opts.initialAdvertisePeerUrls,
    initialClusterToken: opts.initialClusterToken,
  };
  const log = new DurableLog(join(memberDir, 'raft.db'));
  try {
    return { ok: true, identity: bootstrapNewCluster(config, log) };
  } catch (e) {
    return { ok: false, error: { kind: 'bad_config', message: e instanceof Error ? e.message : String(e) } };
  } finally {
    log.close();
  }
}
