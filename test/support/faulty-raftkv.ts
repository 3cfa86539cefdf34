#!/usr/bin/env node
// The fault-injection entry point: raftkv with the product's flags plus hidden --test-* flags that
// slow the Raft log's fsync down, route each peer link through a proxy, and inject known bugs so
// the chaos checkers can prove they catch them. Product code has none of these switches; this file
// swaps faulty parts in through the composition's seams.
import { InvalidArgumentError, Option } from 'commander';
import { buildCommand, intArg, toOptions, type RawFlags } from '../../src/daemon/flags.js';
import { runMember } from '../../src/daemon/main.js';
import { VERSION } from '../../src/version.js';
import { bugParts, INJECTABLE_BUGS, type InjectedBug } from './faulty-parts.js';
import type { FaultyRaftSettings } from './faulty-raft-worker.js';

function dialMap(value: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`invalid --test-peer-dial-map entry "${pair}" (want peerURL=dialURL)`);
    map.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return map;
}

function isBug(name: string): name is InjectedBug {
  return INJECTABLE_BUGS.some((b) => b === name);
}

function bugList(value: string): InjectedBug[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const unknown = names.filter((n) => !isBug(n));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown bug "${unknown[0]}" (known: ${INJECTABLE_BUGS.join(', ')})`);
  return names.filter(isBug);
}

interface TestFlags {
  testFsyncDelayMs: number;
  testBug: InjectedBug[];
  testPeerDialMap: Map<string, string>;
}

const cmd = buildCommand(VERSION)
  .addOption(new Option('--test-fsync-delay-ms <ms>', 'slow every Raft log fsync down by this much').argParser(intArg).default(0))
  .addOption(new Option('--test-peer-dial-map <pairs>', 'peerURL=dialURL,... to reach peers through proxies').argParser(dialMap).default(new Map<string, string>()))
  .addOption(new Option('--test-bug <names>', `inject bugs (${INJECTABLE_BUGS.join(', ')})`).argParser(bugList).default([]));
cmd.parse(process.argv);
const raw = cmd.opts<RawFlags & TestFlags>();
const settings: FaultyRaftSettings = { fsyncDelayMs: raw.testFsyncDelayMs, peerDialMap: raw.testPeerDialMap };
await runMember(toOptions(raw), {
  ...bugParts(new Set(raw.testBug)),
  raftWorker: { url: new URL('./faulty-raft-worker.js', import.meta.url), extension: settings },
});
