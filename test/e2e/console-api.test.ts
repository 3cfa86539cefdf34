// The web console's HTTP surface on one member (CONSOLE-CONTRACT.md): the security headers on every
// /ui answer, the bundle's files (and nothing outside them), /ui/api/config, hostile requests,
// and --enable-ui=false / --ui-read-only.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, openSse, request } from '../support/console-http.js';
import { waitFor } from '../support/proc.js';
import { prereqs, REPO_ROOT } from '../support/env.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({});

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function expectSecurityHeaders(h: Record<string, string | string[] | undefined>): void {
  expect(h['content-security-policy']).toBe(CSP);
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['referrer-policy']).toBe('no-referrer');
  expect(h['x-frame-options']).toBe('DENY');
}

/**
 * The member serves dist/console; when the front end is not built in this checkout, a stand-in
 * bundle is put there for the file and removed after it.
 */
function useBundle(): { index: () => string } {
  const dir = path.join(REPO_ROOT, 'dist', 'console');
  let made = false;
  beforeAll(() => {
    if (existsSync(path.join(dir, 'index.html'))) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>stand-in</title><script src="app.js"></script>\n');
    writeFileSync(path.join(dir, 'app.js'), 'void 0;\n');
    writeFileSync(path.join(dir, 'app.css'), 'body{}\n');
    made = true;
  });
  afterAll(() => {
    if (made) rmSync(dir, { recursive: true, force: true });
  });
  return { index: () => path.join(dir, 'index.html') };
}

describe('console on (default)', () => {
  const f = useNode(pre);
  useBundle();
  const base = (): string => f.node.clientUrl;

  it('redirects /ui to /ui/ and serves index.html there, with the security headers', async () => {
    const r = await request(`${base()}/ui`);
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/ui/');
    expectSecurityHeaders(r.headers);
    const idx = await request(`${base()}/ui/`);
    expect(idx.status).toBe(200);
    expect(idx.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(idx.body).toContain('<script src="app.js"></script>');
    expectSecurityHeaders(idx.headers);
    // The client port's etcd-style CORS does not reach the console.
    expect(idx.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the bundle files by type, and nothing outside the bundle', async () => {
    const js = await request(`${base()}/ui/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expectSecurityHeaders(js.headers);
    const css = await request(`${base()}/ui/app.css`);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    for (const p of ['/ui/nope.js', '/ui/%2e%2e/%2e%2e/package.json', '/ui/..%2f..%2fpackage.json', '/ui/.hidden.js', '/ui/a%00.js', '/ui/index.html/x']) {
      const r = await request(`${base()}${p}`);
      // (a path the URL parser resolves out of /ui is answered by the rest of the port)
      expect(r.status, p).toBe(404);
    }
    expectSecurityHeaders((await request(`${base()}/ui/nope.js`)).headers);
  });

  it('answers /ui/api/config without auth', async () => {
    const r = await getJson<Record<string, unknown>>(`${base()}/ui/api/config`);
    expect(r.status).toBe(200);
    expectSecurityHeaders(r.headers);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toEqual({ readOnly: false, authEnabled: false, memberId: expect.stringMatching(/^[0-9a-f]+$/), name: f.node.name, version: '3.4.23' });
  });

  it('answers unknown API paths and other methods with the JSON error shape', async () => {
    const nf = await getJson<{ error: string; code: number }>(`${base()}/ui/api/nope`);
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({ error: 'not found', code: 5 });
    const post = await getJson<{ error: string; code: number }>(`${base()}/ui/api/cluster`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(typeof post.body.error).toBe('string');
  });
  it('answers hostile query strings with 400, and keeps serving', async () => {
    const long = 'a'.repeat(10_000);
    for (const q of [`/ui/api/tree?prefix=${long}`, '/ui/api/tree?prefix=a&prefix=b', '/ui/api/history', '/ui/api/history?key=a&key=b']) {
      const r = await getJson<{ error: string; code: number }>(`${base()}${q}`);
      expect(r.status, q.slice(0, 40)).toBe(400);
      expect(r.body.code).toBe(3);
    }
    const ok = await request(`${base()}/ui/api/config?%ff%fe=%zz&x`);
    expect(ok.status).toBe(200);
  });
});

describe('event stream limits', () => {
  const f = useNode(pre);

  it('serves 16 streams at once and answers the 17th with 429', async () => {
    const url = `${f.node.clientUrl}/ui/api/stream`;
    const streams = Array.from({ length: 16 }, () => openSse(url));
    try {
      await waitFor('16 streams with a cluster event', () => (streams.every((s) => s.events.some((e) => e.event === 'cluster')) ? true : undefined), 20_000);
      const extra = await getJson<{ error: string; code: number }>(url);
      expect(extra.status).toBe(429);
      expect(extra.body.code).toBe(8);
      // A closed stream frees its place (once the member has seen it go).
      streams.pop()?.close();
      const again = await waitFor('a stream in the freed place', async () => {
        const s = openSse(url);
        const status = await waitFor('an answer', () => s.status);
        if (status === 200) return s;
        s.close();
        return undefined;
      });
      streams.push(again);
      expect(again.status).toBe(200);
    } finally {
      for (const s of streams) s.close();
    }
  });
});

describe('console with --enable-ui=false', () => {
  const f = useNode(pre, { extraFlags: ['--enable-ui=false'] });

  it('answers 404 on every /ui path, the gateway still serving', async () => {
    for (const p of ['/ui', '/ui/', '/ui/app.js', '/ui/api/config', '/ui/api/cluster', '/ui/api/stream']) {
      const r = await request(`${f.node.clientUrl}${p}`);
      expect(r.status, p).toBe(404);
    }
    const v = await request(`${f.node.clientUrl}/version`);
    expect(v.status).toBe(200);
  });
});

describe('console with --ui-read-only', () => {
  const f = useNode(pre, { extraFlags: ['--ui-read-only'] });

  it('reports readOnly and refuses any write-like API call with 403', async () => {
    const r = await getJson<{ readOnly: boolean }>(`${f.node.clientUrl}/ui/api/config`);
    expect(r.body.readOnly).toBe(true);
    for (const m of ['POST', 'PUT', 'DELETE']) {
      const w = await getJson<{ error: string; code: number }>(`${f.node.clientUrl}/ui/api/tree`, { method: m });
      expect(w.status, m).toBe(403);
      expect(w.body.code).toBe(7);
    }
  });
});
