// The console's bundle (dist/console: index.html, app.js, app.css, ...), served from a directory
// the composition root names. Only plain file names below that directory are served: a path with
// '..', a dot-file, a backslash or any other odd character is simply not found.
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { sendText } from './headers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A relative file name made of safe segments, none starting with a dot. */
const SAFE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Bundle files are small; anything larger is not ours and is not read into memory. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

export class StaticFiles {
  constructor(private readonly dir: string) {}

  /** Serves `rel` ('' is index.html): 200, 404 for anything else, 503 when the bundle is missing. */
  async serve(res: ServerResponse, rel: string, headOnly: boolean): Promise<void> {
    const name = rel === '' ? 'index.html' : rel;
    const type = TYPES[path.extname(name)];
    if (!SAFE.test(name) || type === undefined) return sendText(res, 404, 'not found\n');
    const file = path.join(this.dir, name);
    let body: Buffer;
    try {
      const st = await stat(file);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) return sendText(res, 404, 'not found\n');
      body = await readFile(file);
    } catch {
      if (await this.missing()) return sendText(res, 503, 'console not built\n');
      return sendText(res, 404, 'not found\n');
    }
    if (res.destroyed) return;
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Length', body.length);
    res.writeHead(200);
    res.end(headOnly ? undefined : body);
  }

  private async missing(): Promise<boolean> {
    try {
      return !(await stat(path.join(this.dir, 'index.html'))).isFile();
    } catch {
      return true;
    }
  }
}
