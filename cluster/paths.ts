// Where the repository and the built server are, whether this module runs from
// source (vitest: cluster/*.ts) or from the dev build (dist-dev/cluster/*.js). The server
// it starts is the product build in dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const REPO_ROOT = findRepoRoot();
export const SERVER_ENTRY = path.join(REPO_ROOT, 'dist', 'src', 'bin', 'raftkv.js');
