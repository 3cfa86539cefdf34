// etcd 3.4 flags raftkv accepts but does not act on, so that an etcd command line or environment
// starts a member. Each one that is given logs a warning that it has no effect.
import { Option, type Command } from 'commander';

/** `bool` flags take Go's boolean forms (`--flag`, `--flag=false`); the others take one value. */
interface InertFlag {
  flag: string;
  kind: 'bool' | 'value';
  /** Why it does nothing here, for the warning and the README. */
  why: string;
}

const NO_V2 = 'raftkv has no v2 API';
const NO_WAL = 'raftkv keeps its Raft log in SQLite, not in WAL and snap files';
const NO_DISCOVERY = 'raftkv has no discovery bootstrap; use --initial-cluster';

export const INERT_FLAGS: readonly InertFlag[] = [
  { flag: 'config-file', kind: 'value', why: 'raftkv reads no configuration file; give flags or ETCD_* variables' },
  { flag: 'wal-dir', kind: 'value', why: NO_WAL },
  { flag: 'max-snapshots', kind: 'value', why: NO_WAL },
  { flag: 'max-wals', kind: 'value', why: NO_WAL },
  { flag: 'initial-election-tick-advance', kind: 'bool', why: 'the first election waits one election timeout' },
  { flag: 'backend-batch-interval', kind: 'value', why: 'the state database commits once per applied batch' },
  { flag: 'backend-batch-limit', kind: 'value', why: 'the state database commits once per applied batch' },
  { flag: 'discovery', kind: 'value', why: NO_DISCOVERY },
  { flag: 'discovery-fallback', kind: 'value', why: NO_DISCOVERY },
  { flag: 'discovery-proxy', kind: 'value', why: NO_DISCOVERY },
  { flag: 'discovery-srv', kind: 'value', why: NO_DISCOVERY },
  { flag: 'discovery-srv-name', kind: 'value', why: NO_DISCOVERY },
  { flag: 'pre-vote', kind: 'bool', why: 'the Raft layer does not run the pre-vote phase' },
  { flag: 'enable-v2', kind: 'bool', why: NO_V2 },
  { flag: 'client-crl-file', kind: 'value', why: 'certificate revocation lists are not checked' },
  { flag: 'client-cert-allowed-hostname', kind: 'value', why: 'client certificates are not matched against a hostname' },
  { flag: 'peer-cert-allowed-hostname', kind: 'value', why: 'peer certificates are not matched against a hostname' },
  { flag: 'peer-crl-file', kind: 'value', why: 'certificate revocation lists are not checked' },
  { flag: 'grpc-keepalive-min-time', kind: 'value', why: 'grpc-js does not police how often clients ping' },
  { flag: 'cors', kind: 'value', why: 'the client port allows every origin' },
  { flag: 'host-whitelist', kind: 'value', why: 'every Host header is accepted' },
  { flag: 'metrics', kind: 'value', why: "/metrics always serves the 'basic' set" },
  { flag: 'proxy', kind: 'value', why: NO_V2 },
  { flag: 'proxy-failure-wait', kind: 'value', why: NO_V2 },
  { flag: 'proxy-refresh-interval', kind: 'value', why: NO_V2 },
  { flag: 'proxy-dial-timeout', kind: 'value', why: NO_V2 },
  { flag: 'proxy-write-timeout', kind: 'value', why: NO_V2 },
  { flag: 'proxy-read-timeout', kind: 'value', why: NO_V2 },
  { flag: 'experimental-enable-v2v3', kind: 'value', why: NO_V2 },
  { flag: 'experimental-backend-bbolt-freelist-type', kind: 'value', why: 'the backend is SQLite, not bbolt' },
  { flag: 'experimental-enable-lease-checkpoint', kind: 'bool', why: 'lease checkpoints are not replicated' },
  { flag: 'experimental-compaction-batch-limit', kind: 'value', why: 'compacted rows are removed in batches of a fixed size' },
  { flag: 'experimental-peer-skip-client-san-verification', kind: 'bool', why: 'peer client certificates are verified as configured' },
  { flag: 'experimental-warning-apply-duration', kind: 'value', why: 'slow applies are not logged' },
  { flag: 'force-new-cluster', kind: 'bool', why: 'restore a snapshot into a new data dir instead' },
  { flag: 'log-package-levels', kind: 'value', why: 'one --log-level applies to every module' },
];

function envName(flag: string): string {
  return 'ETCD_' + flag.replace(/-/g, '_').toUpperCase();
}

function attributeName(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export function addInertFlags(cmd: Command): Command {
  for (const f of INERT_FLAGS) {
    const o =
      f.kind === 'bool'
        ? new Option(`--${f.flag} [bool]`, `accepted for etcd compatibility; no effect (${f.why})`).preset('true')
        : new Option(`--${f.flag} <value>`, `accepted for etcd compatibility; no effect (${f.why})`);
    cmd.addOption(o.env(envName(f.flag)).hideHelp());
  }
  return cmd;
}

/** The inert flags given on the command line or in the environment, with why each has no effect. */
export function givenInertFlags(cmd: Command): { flag: string; why: string }[] {
  return INERT_FLAGS.filter((f) => {
    const source = cmd.getOptionValueSource(attributeName(f.flag));
    return source === 'cli' || source === 'env';
  }).map((f) => ({ flag: `--${f.flag}`, why: f.why }));
}
