// TLS on both ports, checked with the real etcdctl 3.4 against three members serving https on
// client and peer URLs with certificate auth on both (certificates made at test time by
// cluster/pki.ts): the tutorial's `endpoint health` line, status, member list, put/get across
// members, an https member added with `member add` that joins; refusal of a client without a
// certificate, with one from another CA, and over plain http; a peer whose certificate another
// CA signed can neither join nor call the peer port; renewed certificate and CA files are used
// for new connections without a restart.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ClusterPki } from '../../cluster/pki.js';
import { channelCredentials } from '../../src/client/index.js';
import * as rpc from '../../src/gen/etcdserverpb.js';
import { noTls } from '../../src/tls/settings.js';
import { PeerCredentials, fetchMembership } from '../../src/transport/index.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import { parseJsonBig } from '../support/json-big.js';

const pre = prereqs({ etcdctl: true });

/** Fails fast: a refused handshake otherwise waits out etcdctl's 5 s timeouts. */
const FAST = ['--dial-timeout=2s', '--command-timeout=3s'];

/** The subject CN of the certificate a TLS server presents now. */
function servedCn(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: readFileSync(ca), servername: 'localhost', ALPNProtocols: ['h2'] }, () => {
      const cn = s.getPeerCertificate().subject.CN;
      s.destroy();
      resolve(String(cn));
    });
    s.once('error', reject);
  });
}

describe.skipIf(pre.skip)('TLS on client and peer ports (etcdctl)', () => {
  const fx = useClusters(pre);
  const cluster = fx.shared(3, { tls: true });

  const pki = (): ClusterPki => new ClusterPki(path.join(cluster().baseDir, 'pki'));
  const other = (): ClusterPki => new ClusterPki(path.join(cluster().baseDir, 'other-pki'));
  const httpsUrls = (): string[] => cluster().running.map((n) => n.clientUrl);

  it("answers the tutorial's endpoint health line on every member", async () => {
    const p = pki();
    for (const url of httpsUrls()) {
      const r = await fx.ctl(url).run([`--cacert=${p.caFile}`, `--cert=${p.dir}/client.crt`, `--key=${p.dir}/client.key`, 'endpoint', 'health']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toContain(`${url} is healthy: successfully committed proposal`);
    }
  });

  it('shows https endpoints in endpoint status and member list', async () => {
    const c = cluster();
    const ctl = fx.ctl(httpsUrls());
    const st = await ctl.run([...c.ctlTlsFlags(), 'endpoint', 'status', '-w', 'json']);
    expect(st.code, st.stderr).toBe(0);
    const statuses = parseJsonBig(st.stdout) as { Endpoint: string }[];
    expect(statuses.map((s) => s.Endpoint).sort()).toEqual(httpsUrls().sort());
    const ml = await ctl.run([...c.ctlTlsFlags(), 'member', 'list']);
    expect(ml.code, ml.stderr).toBe(0);
    for (const n of c.running) expect(ml.stdout).toContain(`started, ${n.name}, ${n.peerUrl}, ${n.clientUrl}, false`);
  });

  it('serves the JSON gateway and /health over https on an https-only member', async () => {
    const p = pki();
    const n = cluster().running[0]!;
    const post = (route: string, body: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = https.request(
          `${n.clientUrl}${route}`,
          { method: 'POST', ca: readFileSync(p.caFile), cert: readFileSync(`${p.dir}/client.crt`), key: readFileSync(`${p.dir}/client.key`), timeout: 10_000 },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    // The gateway dials the member's own TLS port (there is no plain one) with the member's cert.
    const put = await post('/v3/kv/put', JSON.stringify({ key: Buffer.from('gw-tls').toString('base64'), value: Buffer.from('v').toString('base64') }));
    expect(put.status, put.body).toBe(200);
    const range = await post('/v3/kv/range', JSON.stringify({ key: Buffer.from('gw-tls').toString('base64') }));
    expect(range.status, range.body).toBe(200);
    expect(JSON.parse(range.body)).toMatchObject({ kvs: [{ value: Buffer.from('v').toString('base64') }], count: '1' });
  });

  it('replicates a put made on one member to the others', async () => {
    const c = cluster();
    const [a, ...rest] = c.running;
    const put = await fx.ctl(a!.clientUrl).run([...c.ctlTlsFlags(), 'put', 'tls-key', 'over-https']);
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toBe('OK\n');
    for (const n of rest) {
      const get = await fx.ctl(n.clientUrl).run([...c.ctlTlsFlags(), 'get', 'tls-key']);
      expect(get.code, get.stderr).toBe(0);
      expect(get.stdout).toBe('tls-key\nover-https\n');
    }
  });

  it('refuses a client without a certificate, with one from another CA, and over plain http', async () => {
    const c = cluster();
    const p = pki();
    const o = other();
    await o.init();
    const n = c.running[0]!;
    const noCert = await fx.ctl(n.clientUrl).run([`--cacert=${p.caFile}`, ...FAST, 'get', 'tls-key']);
    expect(noCert.code).not.toBe(0);
    expect(noCert.stdout).toBe('');
    const foreign = await fx.ctl(n.clientUrl).run([`--cacert=${p.caFile}`, `--cert=${o.dir}/client.crt`, `--key=${o.dir}/client.key`, ...FAST, 'get', 'tls-key']);
    expect(foreign.code).not.toBe(0);
    expect(foreign.stdout).toBe('');
    const plain = await fx.ctl(`http://${n.endpoint}`).run([...FAST, 'get', 'tls-key']);
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).toBe('');
    // The server logged why.
    expect(n.logTail(200)).toMatch(/TLS handshake failed/);
  });

  it('adds an https member with member add, which joins and serves', async () => {
    const c = cluster();
    const added = await c.addMember('n4');
    expect(added.env['ETCD_INITIAL_ADVERTISE_PEER_URLS']).toBe(added.node.peerUrl);
    expect(added.node.peerUrl).toMatch(/^https:\/\//);
    await c.waitHealthy({ nodes: [added.node] });
    const get = await fx.ctl(added.node.clientUrl).run([...c.ctlTlsFlags(), 'get', 'tls-key']);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toBe('tls-key\nover-https\n');
    const ml = await fx.ctl(httpsUrls()).run([...c.ctlTlsFlags(), 'member', 'list']);
    expect(ml.stdout).toContain(`started, n4, ${added.node.peerUrl}, ${added.node.clientUrl}, false`);
  });

  it('keeps out a peer whose certificate another CA signed', async () => {
    const c = cluster();
    const o = other();
    await o.init();
    // Its membership is added, but its own certificate is not one the cluster trusts.
    const added = await c.addMember('n5', { start: false });
    const evil = await o.member('n5');
    const p = pki();
    writeFileSync(path.join(p.dir, 'n5.crt'), readFileSync(evil.certFile));
    writeFileSync(path.join(p.dir, 'n5.key'), readFileSync(evil.keyFile));
    await expect(added.node.start()).rejects.toThrow(/exited during startup|did not answer/);
    expect(added.node.logTail(50)).toMatch(/cannot join the existing cluster/);

    // Nor can it call the peer port directly (how Raft messages arrive).
    const creds = new PeerCredentials({ ...noTls(), certFile: evil.certFile, keyFile: evil.keyFile, trustedCaFile: p.caFile });
    await expect(fetchMembership([c.running[0]!.peerUrl], 3000, creds)).rejects.toThrow(/could not get the cluster's membership/);
    // The same call with a trusted certificate is answered.
    const trusted = await p.member('n1');
    const ok = await fetchMembership([c.running[0]!.peerUrl], 3000, new PeerCredentials({ ...noTls(), ...trusted, trustedCaFile: trusted.caFile }));
    expect(ok.members.some((m) => m.id === added.id && m.clientUrls.length === 0)).toBe(true);

    const ml = await fx.ctl(httpsUrls()).run([...c.ctlTlsFlags(), 'member', 'list']);
    expect(ml.stdout).toMatch(new RegExp(`${added.id.toString(16)}, unstarted, , ${added.node.peerUrl}, , false`));
  });

  it('uses a renewed certificate and CA file for new connections without a restart', async () => {
    const c = cluster();
    const p = pki();
    const n = c.running[0]!;
    expect(await servedCn(n.clientPort, p.caFile)).toBe(n.name);

    // Renew n1's certificate (same CA, new CN): the next handshake presents it.
    const fresh = await p.member(`${n.name}-renewed`);
    writeFileSync(path.join(p.dir, `${n.name}.crt`), readFileSync(fresh.certFile));
    writeFileSync(path.join(p.dir, `${n.name}.key`), readFileSync(fresh.keyFile));
    expect(await servedCn(n.clientPort, p.caFile)).toBe(`${n.name}-renewed`);

    // Trust another CA too by appending it to the CA file: its client certificates now get in.
    const o = other();
    await o.init();
    const before = await fx.ctl(n.clientUrl).run([`--cacert=${p.caFile}`, `--cert=${o.dir}/client.crt`, `--key=${o.dir}/client.key`, ...FAST, 'get', 'tls-key']);
    expect(before.code).not.toBe(0);
    appendFileSync(p.caFile, readFileSync(o.caFile));
    const after = await fx.ctl(n.clientUrl).run([`--cacert=${p.caFile}`, `--cert=${o.dir}/client.crt`, `--key=${o.dir}/client.key`, 'get', 'tls-key']);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toBe('tls-key\nover-https\n');
  });

  // Last: it turns auth on for the cluster.
  it('takes the certificate CN as the user when auth is on and no token is sent', async () => {
    const c = cluster();
    const p = pki();
    const alice = await p.member('alice');
    const url = c.running[0]!.clientUrl;
    const asRoot = (args: string[]) => fx.ctl(url).run([...c.ctlTlsFlags(), ...args]);
    const asAlice = (args: string[]) => fx.ctl(url).run([`--cacert=${p.caFile}`, `--cert=${alice.certFile}`, `--key=${alice.keyFile}`, ...args]);
    for (const args of [['user', 'add', 'root:rootpw'], ['user', 'add', 'alice:alicepw'], ['auth', 'enable']]) {
      const r = await asRoot(args);
      expect(r.code, r.stderr).toBe(0);
    }
    // The client certificate's CN is "root".
    const get = await asRoot(['get', 'tls-key']);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toBe('tls-key\nover-https\n');
    // "alice" has no role: her certificate gets her in as herself, and no further.
    const denied = await asAlice(['get', 'tls-key']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('etcdserver: permission denied');
    // A client cannot claim another CN in metadata: the certificate's own replaces it.
    const raw = new grpc.Client(c.running[0]!.endpoint, channelCredentials(url, { caFile: p.caFile, certFile: alice.certFile, keyFile: alice.keyFile }));
    const md = new grpc.Metadata();
    md.set('x-raftkv-cert-cn', 'root');
    const m = rpc.KVService.Range;
    const spoofed = await new Promise<grpc.ServiceError | null>((resolve) => {
      raw.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, { key: Buffer.from('tls-key') }, md, { deadline: Date.now() + 5000 }, (err) => resolve(err));
    });
    raw.close();
    expect(spoofed?.details).toBe('etcdserver: permission denied');
    // A token names the user even over a certificate that names another.
    const token = await asRoot(['--user=alice:alicepw', 'get', 'tls-key']);
    expect(token.code).not.toBe(0);
    expect(token.stderr).toContain('etcdserver: permission denied');
    const off = await asRoot(['auth', 'disable']);
    expect(off.code, off.stderr).toBe(0);
  });
});
