// A private copy of the server build for a long run: others rebuilding dist-dev/
// in the same checkout mid-run would otherwise hand a restarting node a
// half-written module (seen as a crash at startup). The copy resolves its
// packages through a symlink to the checkout's node_modules.
import { copyFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../cluster/paths.js';

export interface ServerBuild {
  /** The raftkv entry script to run. */
  entry: string;
  dispose(): void;
}

export function snapshotServerBuild(): ServerBuild {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-chaos-build-'));
  cpSync(path.join(REPO_ROOT, 'dist-dev', 'src'), path.join(dir, 'dist-dev', 'src'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'dist-dev', 'test', 'support'), path.join(dir, 'dist-dev', 'test', 'support'), { recursive: true });
  copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json')); // "type": "module"
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return {
    entry: path.join(dir, 'dist-dev', 'test', 'support', 'faulty-raftkv.js'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
