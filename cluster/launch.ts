#!/usr/bin/env node
// `npm run cluster`: a local raftkv cluster without Docker (see launch-args.ts
// for the options). Every node's log lines go to stdout prefixed with its
// name; the etcdctl endpoints are printed once all nodes are healthy; Ctrl-C
// or SIGTERM stops the nodes (SIGTERM, SIGKILL after 5 s) and exits.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ClusterNode } from './cluster-node.js';
import { parseLaunchArgs, USAGE, type LaunchArgs } from './launch-args.js';
import { LocalCluster } from './local-cluster.js';
import { ClusterPki } from './pki.js';
import { fixedPorts, MAX_NODES } from './ports.js';

const COLORS = [36, 33, 35, 32, 34, 31, 37];

function say(msg: string): void {
  process.stdout.write(`launcher | ${msg}\n`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A data dir that already holds a member (the server then ignores the initial-cluster flags). */
function hasMember(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'member'));
}

/** Refuses layouts that cannot form the cluster asked for; returns the reason, or null. */
async function preflight(args: LaunchArgs, baseDir: string): Promise<string | null> {
  const dirs = Array.from({ length: args.nodes }, (_, i) => path.join(baseDir, `n${i + 1}`));
  const withData = dirs.filter(hasMember);
  if (withData.length > 0 && withData.length < dirs.length) {
    // The empty ones would bootstrap afresh next to members with history.
    return `only some data dirs hold a member (${withData.join(', ')}); rerun with --fresh`;
  }
  for (let i = 0; i < args.nodes; i++) {
    const p = fixedPorts(i);
    for (const port of [p.client, p.peer]) {
      if (!(await portFree(port))) return `127.0.0.1:${port} is in use (is another cluster running?)`;
    }
  }
  return null;
}

async function main(): Promise<void> {
  let args: LaunchArgs;
  try {
    args = parseLaunchArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const baseDir = path.resolve(args.baseDir);
  if (args.fresh) {
    // Only the node dirs this launcher owns, never the base dir itself.
    for (let i = 0; i < MAX_NODES; i++) rmSync(path.join(baseDir, `n${i + 1}`), { recursive: true, force: true });
  }
  const problem = await preflight(args, baseDir);
  if (problem !== null) {
    process.stderr.write(`launcher: ${problem}\n`);
    process.exit(1);
  }

  const tty = process.stdout.isTTY === true;
  const width = Math.max('launcher'.length, `n${args.nodes}`.length);
  let stopping = false;
  const cluster = new LocalCluster({
    baseDir,
    ...(args.tls ? { pki: new ClusterPki(path.join(baseDir, 'pki')) } : {}),
    // Own process groups: Ctrl-C reaches only the launcher, which stops the nodes in order.
    spawn: (cmd, argv, opts) => spawn(cmd, argv, { ...opts, detached: true }),
    logs: (name, line) => {
      const idx = Number(name.slice(1)) - 1;
      const label = name.padEnd(width);
      const prefix = tty ? `\x1b[${COLORS[idx % COLORS.length] ?? 37}m${label}\x1b[0m` : label;
      process.stdout.write(`${prefix} | ${line}\n`);
    },
    onNodeExit: (node: ClusterNode, status: number) => {
      if (!stopping) say(`${node.name} exited unexpectedly (status ${status})`);
    },
  });

  // Last resort: never leave a detached node behind, even on an uncaught error.
  process.on('exit', () => {
    for (const n of cluster.nodes) {
      if (n.running) {
        try {
          process.kill(-n.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  });

  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      say(`${signal} again: killing every node`);
      void cluster.killAll().then(() => process.exit(1));
      return;
    }
    stopping = true;
    say(`${signal}: stopping ${cluster.nodes.length} nodes (SIGTERM, SIGKILL after 5 s)`);
    void cluster.stop().then(() => {
      for (const n of cluster.nodes) say(`${n.name} stopped (status ${n.exitStatus ?? '?'})`);
      process.exit(0);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  say(`starting ${args.nodes} node(s), data in ${baseDir}`);
  try {
    await cluster.start(args.nodes, { waitHealthy: false });
  } catch (e) {
    if (stopping) return;
    say(`start failed: ${e instanceof Error ? e.message : String(e)}`);
    stopping = true;
    await cluster.stop();
    process.exit(1);
  }
  for (;;) {
    if (stopping) return;
    try {
      await cluster.waitHealthy({ timeoutMs: 15_000 });
      break;
    } catch (e) {
      if (stopping) return;
      say(`still waiting for the cluster to be healthy: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (stopping) return;
  const endpoints = (args.tls ? cluster.running.map((n) => n.clientUrl) : cluster.endpoints()).join(',');
  say(`cluster healthy (token ${cluster.token}); try:`);
  const tlsFlags = cluster.ctlTlsFlags().map((f) => `${f} `).join('');
  say(`ETCDCTL_API=3 etcdctl --endpoints=${endpoints} ${tlsFlags}endpoint status -w table`);
  process.stdout.write(`ENDPOINTS=${endpoints}\n`);
}

await main();
