// The certificates docker-compose.tls.yml mounts: the same CA, member and client certificates as
// `npm run cluster -- --tls` (cluster/pki.ts), but each member's also valid for its container
// name (n1, n2, n3), which is how the members and clients reach it inside the compose network.
//
//   npm run compose:tls-certs [-- --dir cluster-data/docker-pki]
//
// The image runs as user node (uid 1000): run as root, the files are given to that uid so the
// members can read their keys from the read-only mount.
import { chownSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ClusterPki } from '../cluster/pki.js';
import { REPO_ROOT } from '../cluster/paths.js';

const NODE_UID = 1000;

const args = process.argv.slice(2);
const at = args.indexOf('--dir');
const dirArg = at >= 0 ? args[at + 1] : path.join('cluster-data', 'docker-pki');
if (dirArg === undefined || dirArg === '' || args.length !== (at >= 0 ? 2 : 0)) {
  process.stderr.write('usage: npm run compose:tls-certs [-- --dir DIR]\n');
  process.exit(2);
}
const dir = path.resolve(REPO_ROOT, dirArg);

async function main(): Promise<void> {
  // One ClusterPki per member for its own host names; all share the CA kept in `dir`.
  await new ClusterPki(dir).init();
  for (const name of ['n1', 'n2', 'n3']) {
    await new ClusterPki(dir, [name, 'localhost', '127.0.0.1']).member(name);
  }
  if (process.getuid?.() === 0) {
    chownSync(dir, NODE_UID, NODE_UID);
    for (const f of readdirSync(dir)) chownSync(path.join(dir, f), NODE_UID, NODE_UID);
  }
  process.stdout.write(`${dir}: ca.crt, n1..n3.{crt,key}, client.{crt,key}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
