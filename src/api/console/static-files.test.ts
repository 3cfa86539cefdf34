import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticFiles } from './static-files.js';

// StaticFiles over a real HTTP server: files from the given directory only, 503 without a bundle.
describe('StaticFiles', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'raftkv-console-files-'));
  const bundle = path.join(root, 'console');
  mkdirSync(path.join(bundle, 'assets'), { recursive: true });
  writeFileSync(path.join(bundle, 'index.html'), '<p>hi</p>');
  writeFileSync(path.join(bundle, 'assets', 'a.css'), 'p{}');
  writeFileSync(path.join(bundle, '.secret.js'), 'x');
  writeFileSync(path.join(root, 'outside.js'), 'x');
  const servers: http.Server[] = [];
  const serve = async (dir: string): Promise<string> => {
    const files = new StaticFiles(dir);
    const s = http.createServer((req, res) => void files.serve(res, decodeURIComponent((req.url ?? '/').slice(1)), req.method === 'HEAD'));
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  let base = '';
  let missing = '';
  beforeAll(async () => {
    base = await serve(bundle);
    missing = await serve(path.join(root, 'nothing-here'));
  });
  afterAll(() => {
    for (const s of servers) s.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html for the empty name and files below the directory', async () => {
    const idx = await fetch(`${base}/`);
    expect(idx.status).toBe(200);
    expect(await idx.text()).toBe('<p>hi</p>');
    const css = await fetch(`${base}/assets/a.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('finds nothing outside it, nor dot-files, nor unknown types', async () => {
    for (const name of ['..%2Foutside.js', 'assets%2F..%2F..%2Foutside.js', '.secret.js', 'assets', 'index.html%00', 'x.exe', '%2Fetc%2Fpasswd']) {
      expect((await fetch(`${base}/${name}`)).status, name).toBe(404);
    }
  });

  it('answers 503 "console not built" when the bundle is missing', async () => {
    const r = await fetch(`${missing}/`);
    expect(r.status).toBe(503);
    expect(await r.text()).toBe('console not built\n');
  });
});
