#!/usr/bin/env node
import { parseFlags } from '../daemon/flags.js';
import { runMember } from '../daemon/main.js';
import { adoptEtcdDataDir, describeRestoreError } from '../server/snapshot-restore.js';
import { VERSION } from '../version.js';

const opts = parseFlags(process.argv, VERSION);
// A data dir made by `etcdctl snapshot restore` is imported before the member starts on it.
const adopted = adoptEtcdDataDir(opts.config);
if (!adopted.ok) {
  process.stderr.write(`raftkv: ${describeRestoreError(adopted.error)}\n`);
  process.exit(1);
}
if (adopted.adopted) process.stderr.write(`raftkv: imported etcd's ${opts.config.dataDir}/member/snap/db.\n`);
await runMember(opts);
