// snapshot save | status.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { CtlError, ExitCode, badArgs } from './exit.js';
import { snapshotStatusOutput } from './format/snapshot.js';
import { connect, readGlobals } from './globals.js';
import { printText } from './io.js';
import { readSnapshotStatus, SnapshotFileError, verifySnapshotFile } from './snapshot-file.js';

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
      const client = connect(g);
      const fd = openSync(part, 'w', 0o600);
      let open = true;
      try {
        // Streamed without a deadline: a large database can take longer than --command-timeout.
        for await (const chunk of client.snapshot({ timeoutMs: 0 })) writeSync(fd, chunk);
        fsyncSync(fd);
        closeSync(fd);
        open = false;
        verifySnapshotFile(part);
        renameSync(part, path);
      } catch (e) {
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
      try {
        printText(snapshotStatusOutput(readSnapshotStatus(args[0]!), g.format));
      } catch (e) {
        if (e instanceof SnapshotFileError) throw new CtlError(e.message, ExitCode.Error);
        throw e;
      }
    });
}
