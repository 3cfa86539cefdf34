// Where things are and what the suite runs against.
//   RAFTKV_TEST_TARGET=raftkv (default): node dist/src/bin/raftkv.js from the repo root
//   RAFTKV_TEST_TARGET=etcd:             real etcd 3.4 (ETCD_BIN, else `etcd` on PATH)
// Missing tools: under CI=true the tests that need them FAIL with a clear
// message; elsewhere they are skipped.
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Target = 'raftkv' | 'etcd';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RAFTKV_ENTRY = path.join(REPO_ROOT, 'dist', 'src', 'bin', 'raftkv.js');
export const isCI = process.env['CI'] === 'true';

export function testTarget(): Target {
  const t = process.env['RAFTKV_TEST_TARGET'] ?? 'raftkv';
  if (t === '' || t === 'raftkv') return 'raftkv';
  if (t === 'etcd') return 'etcd';
  throw new Error(`RAFTKV_TEST_TARGET must be "raftkv" or "etcd", got ${JSON.stringify(t)}`);
}

export function findOnPath(cmd: string, searchPath = process.env['PATH'] ?? ''): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const p = path.join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return null;
}

export function etcdctlPath(): string | null {
  const env = process.env['ETCDCTL_BIN'];
  if (env !== undefined && env !== '') return existsSync(env) ? env : null;
  return findOnPath('etcdctl');
}

export function etcdPath(): string | null {
  const env = process.env['ETCD_BIN'];
  if (env !== undefined && env !== '') return existsSync(env) ? env : null;
  return findOnPath('etcd');
}

export interface Prereqs {
  /** true: skip the suite (tool missing and not under CI). */
  skip: boolean;
  /** Throws (so every test fails) when a required tool is missing under CI. */
  assert(): void;
  missing: string[];
}

/**
 * Checks the external tools a test file needs. `etcdctl: true` for files that
 * drive the real etcdctl; `etcd: true` for files that compare with a real etcd 3.4. The server binary is always required: the etcd
 * binary when targeting etcd (skippable outside CI), raftkv's build output
 * when targeting raftkv (never skipped: that is the product under test).
 */
export function prereqs(need: { etcdctl?: boolean; etcd?: boolean }): Prereqs {
  const missing: string[] = [];
  if (need.etcd === true && etcdPath() === null) {
    missing.push('etcd (etcd 3.4 server, to compare against; Debian package etcd-server) is not on PATH');
  }
  if (need.etcdctl === true && etcdctlPath() === null) {
    missing.push('etcdctl (etcd 3.4 client; Debian package etcd-client) is not on PATH');
  }
  if (testTarget() === 'etcd' && etcdPath() === null) {
    missing.push('etcd (RAFTKV_TEST_TARGET=etcd; Debian package etcd-server) is not on PATH');
  }
  return prereqsFrom(missing);
}

/** Prerequisites from a list of what is missing: skipped locally, a failure under CI=true. */
export function prereqsFrom(missing: string[]): Prereqs {
  return {
    skip: missing.length > 0 && !isCI,
    missing,
    assert() {
      if (missing.length > 0) {
        throw new Error(`required tool missing under CI=true: ${missing.join('; ')}`);
      }
    },
  };
}
