// The cost of one put through the apply path: committed entries applied to a fresh state machine
// in batches, as the main thread applies them, with nothing else running.
//   node dist/scripts/bench-apply.js [--puts N] [--batch B] [--key-bytes K] [--value-bytes V] [--keys DISTINCT]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { InternalRequest } from '../src/gen/raftkvpb.js';
import type { CommittedEntry } from '../src/server/consensus.js';
import { StateMachine } from '../src/server/state-machine.js';

interface Args {
  puts: number;
  batch: number;
  keyBytes: number;
  valueBytes: number;
  keys: number;
}

function parse(argv: string[]): Args {
  const a: Args = { puts: 100_000, batch: 100, keyBytes: 16, valueBytes: 256, keys: 10_000 };
  for (let i = 0; i < argv.length; i += 2) {
    const v = Number(argv[i + 1]);
    switch (argv[i]) {
      case '--puts':
        a.puts = v;
        break;
      case '--batch':
        a.batch = v;
        break;
      case '--key-bytes':
        a.keyBytes = v;
        break;
      case '--value-bytes':
        a.valueBytes = v;
        break;
      case '--keys':
        a.keys = v;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return a;
}

function keyOf(i: number, bytes: number): Buffer {
  const k = Buffer.alloc(bytes, 0x61);
  const s = `k${i}`;
  k.write(s, Math.max(0, bytes - s.length));
  return k;
}

const a = parse(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'raftkv-bench-apply-'));
const sm = new StateMachine(join(dir, 'state.db'), { logger: pino({ level: 'silent' }), wantPrevKv: () => false });
const value = Buffer.alloc(a.valueBytes, 0x76);
// Entries are encoded up front: the bench measures the apply, not the encoding.
const entries: CommittedEntry[] = [];
for (let i = 0; i < a.puts; i++) {
  const data = InternalRequest.encode({ ID: BigInt(i + 1), put: { key: keyOf(Math.floor(Math.random() * a.keys), a.keyBytes), value } }).finish();
  entries.push({ index: i + 1, term: 1, type: 'normal', data });
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < entries.length; i += a.batch) sm.apply(entries.slice(i, i + a.batch));
sm.commit();
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await sm.close();
rmSync(dir, { recursive: true, force: true });
const perPutUs = (ms * 1000) / a.puts;
const cpuPerPutUs = (cpu.user + cpu.system) / a.puts;
console.log(
  `${a.puts} puts, batch ${a.batch}, ${a.keyBytes} B keys over ${a.keys} keys, ${a.valueBytes} B values: ` +
    `${perPutUs.toFixed(1)} us/put wall, ${cpuPerPutUs.toFixed(1)} us/put CPU, ${Math.round(a.puts / (ms / 1000))} puts/s`,
);
