// raftkvctl run exactly as etcdctl is (same runner, same environment), and
// the checks that its results match etcdctl's.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from './env.js';
import { Etcdctl, type CtlOptions, type CtlResult } from './etcdctl.js';

export const RAFTKVCTL_ENTRY = path.join(REPO_ROOT, 'dist', 'src', 'bin', 'raftkvctl.js');

function raftkvctlBinary(): { cmd: string; prefixArgs: string[] } {
  if (!existsSync(RAFTKVCTL_ENTRY)) throw new Error(`${RAFTKVCTL_ENTRY} is missing: run \`npm run build\` first`);
  return { cmd: process.execPath, prefixArgs: [RAFTKVCTL_ENTRY] };
}

/** A runner for the built raftkvctl, bound to one default endpoint. */
export function raftkvctl(endpoint: string): Etcdctl {
  return new Etcdctl(endpoint, raftkvctlBinary);
}

export type Norm = (s: string) => string;

const same: Norm = (s) => s;

/** The parts of etcd's client log lines that differ from run to run: time and client ID. */
export const zapNorm: Norm = (s) => s.replace(/"ts":"[^"]*"/g, '"ts":"<TS>"').replace(/client-[0-9a-f-]{36}/g, 'client-<UUID>');

/** Both results as one comparable record: stdout (bytes as latin1 for protobuf), stderr and exit code. */
function view(r: CtlResult, norm: Norm, binary: boolean): { stdout: string; stderr: string; code: number } {
  return { stdout: norm(binary ? r.stdoutBytes.toString('latin1') : r.stdout), stderr: zapNorm(norm(r.stderr)), code: r.code };
}

/** raftkvctl's stdout, stderr and exit code are etcdctl's (after normalizing both sides). */
export function expectSame(etcdctl: CtlResult, ours: CtlResult, opts: { norm?: Norm; oursNorm?: Norm; binary?: boolean } = {}): void {
  const norm = opts.norm ?? same;
  expect(view(ours, opts.oursNorm ?? norm, opts.binary === true)).toEqual(view(etcdctl, norm, opts.binary === true));
}

/** A pair of runners on the same node: etcdctl and raftkvctl. */
export class CtlPair {
  readonly ours: Etcdctl;

  constructor(readonly etcdctl: Etcdctl) {
    this.ours = raftkvctl(etcdctl.endpoint);
  }

  /** Runs the same command with both tools, etcdctl first, and returns both results. */
  async both(args: readonly string[], opts: CtlOptions = {}): Promise<[CtlResult, CtlResult]> {
    const a = await this.etcdctl.run(args, opts);
    const b = await this.ours.run(args, opts);
    return [a, b];
  }

  /** Runs both and expects the same output (byte for byte, after `norm`). */
  async expectSame(args: readonly string[], opts: CtlOptions & { norm?: Norm; binary?: boolean } = {}): Promise<CtlResult> {
    const [a, b] = await this.both(args, opts);
    expectSame(a, b, { norm: opts.norm, binary: opts.binary ?? args.includes('protobuf') });
    return a;
  }

  killAll(): void {
    this.ours.killAll();
  }
}
