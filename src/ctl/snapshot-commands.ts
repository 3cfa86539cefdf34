// snapshot save | status | restore.
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInitialCluster } from '../daemon/flags.js';
import { describeRestoreError, restoreDataDir } from '../server/snapshot-restore.js';
import type { Command } from 'commander';
import { CtlError, ExitCode, badArgs } from './exit.js';
import { snapshotStatusOutput } from './format/snapshot.js';
import { openClient, readGlobals, requireFormat } from './globals.js';
import { printText } from './io.js';
import { startProgress } from './progress.js';
import { extractSnapshotDb, readSnapshotStatus, SnapshotFileError, verifySnapshotFile } from './snapshot-file.js';

export function registerSnapshotCommands(program: Command): void {
  const snapshot = program.command('snapshot').description('Manages etcd node snapshots');

  snapshot
    .command('save')
    .description('Stores an etcd node backend snapshot to a given file')
    .usage('<filename>')
    .argument('[filename...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('snapshot save expects one argument');
      if (g.endpoints.length !== 1) {
        throw new CtlError(
          `snapshot must be requested to one selected node, not multiple [${g.endpoints.join(' ')}]`,
          ExitCode.Interrupted,
        );
      }
      const path = args[0]!;
      const part = `${path}.part`;
      const client = await openClient(g);
      const fd = openSync(part, 'w', 0o600);
      let open = true;
      // Bytes received (the total is not known ahead), on stderr when it is a terminal.
      const bar = startProgress(process.stderr, 0);
      try {
        // Streamed without a deadline: a large database can take longer than --command-timeout.
        for await (const chunk of client.snapshot({ timeoutMs: 0 })) {
          writeSync(fd, chunk);
          bar.add(chunk.length);
        }
        bar.finish();
        fsyncSync(fd);
        closeSync(fd);
        open = false;
        verifySnapshotFile(part);
        renameSync(part, path);
      } catch (e) {
        bar.finish();
        if (open) closeSync(fd);
        rmSync(part, { force: true });
        if (e instanceof SnapshotFileError) throw new CtlError(e.message, ExitCode.Error);
        throw e;
      } finally {
        client.close();
      }
      printText(`Snapshot saved at ${path}\n`);
    });

  snapshot
    .command('status')
    .description('Gets backend snapshot status of a given file')
    .usage('<filename>')
    .argument('[filename...]')
    .action((args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('snapshot status requires exactly one argument');
      requireFormat(g, 'simple', 'json', 'table');
      try {
        printText(snapshotStatusOutput(readSnapshotStatus(args[0]!), g.format as 'simple' | 'json' | 'table'));
      } catch (e) {
        if (e instanceof SnapshotFileError) throw new CtlError(e.message, ExitCode.Error);
        throw e;
      }
    });

  snapshot
    .command('restore')
    .description('Restores an etcd member snapshot to an etcd directory')
    .usage('<filename> [options]')
    .argument('[filename...]')
    .option('--name <name>', 'human-readable name for this member', 'default')
    .option('--data-dir <path>', 'path to the data directory (default: ${name}.etcd)')
    .option('--initial-cluster <pairs>', 'initial cluster configuration for restore bootstrap')
    .option('--initial-advertise-peer-urls <urls>', "list of this member's peer URLs to advertise", 'http://localhost:2380')
    .option('--initial-cluster-token <token>', 'initial cluster token for the etcd cluster during restore bootstrap', 'etcd-cluster')
    .option('--skip-hash-check', 'accept a database without the SHA-256 trailer (one copied from a data dir)')
    .option('--wal-dir <dir>', "accepted for etcdctl's scripts: the Raft log goes in the data dir, where raftkv reads it")
    .action((args: string[], flags: RestoreFlags) => {
      if (args.length !== 1) throw badArgs('snapshot restore requires exactly one argument');
      // raftkv has no separate WAL (its daemon's --wal-dir is inert): the restored member's Raft log
      // is <data-dir>/member/raft.db. etcdctl's check is kept, so scripts fail where they did.
      if (flags.walDir !== undefined && flags.walDir !== '' && existsSync(flags.walDir)) {
        throw new CtlError(`wal-dir "${flags.walDir}" exists`, ExitCode.Error);
      }
      const peerUrls = flags.initialAdvertisePeerUrls.split(',');
      const initialCluster = parseInitialCluster(flags.initialCluster ?? peerUrls.map((u) => `${flags.name}=${u}`).join(','));
      const dataDir = flags.dataDir ?? `${flags.name}.etcd`;
      const dir = mkdtempSync(join(tmpdir(), 'raftkvctl-restore-'));
      // Two steps, extract then restore, on stderr when it is a terminal.
      const bar = startProgress(process.stderr, 2);
      try {
        const dbPath = join(dir, 'state.db');
        extractSnapshotDb(args[0]!, dbPath, flags.skipHashCheck === true ? 'skip' : 'required');
        bar.add(1);
        const r = restoreDataDir({
          dbPath,
          name: flags.name,
          dataDir,
          initialCluster,
          initialAdvertisePeerUrls: peerUrls,
          initialClusterToken: flags.initialClusterToken,
        });
        if (!r.ok) {
          throw new CtlError(describeRestoreError(r.error), ExitCode.Error);
        }
        bar.add(1);
      } catch (e) {
        if (e instanceof SnapshotFileError) throw new CtlError(e.message, ExitCode.Error);
        throw e;
      } finally {
        bar.finish();
        rmSync(dir, { recursive: true, force: true });
      }
    });
}

interface RestoreFlags {
  name: string;
  dataDir?: string;
  initialCluster?: string;
  initialAdvertisePeerUrls: string;
  initialClusterToken: string;
  skipHashCheck?: boolean;
  walDir?: string;
}
