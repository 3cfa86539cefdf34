// /livez and /readyz, the Kubernetes-style probes etcd added in 3.5 (3.4 has only /health), served
// as 3.5 serves them: 200 "ok" when every check passes, 503 with one line per check otherwise,
// and the per-check lines on success too with ?verbose.
import type http from 'node:http';
import { httpError } from './http-error.js';

/** One named check; resolves to why it failed, or undefined when it passed. */
export interface ProbeCheck {
  name: string;
  run(): Promise<string | undefined>;
}

export interface Probes {
  livez: readonly ProbeCheck[];
  readyz: readonly ProbeCheck[];
}

export async function serveProbe(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  which: 'livez' | 'readyz',
  checks: readonly ProbeCheck[],
  verbose: boolean,
): Promise<void> {
  const lines: string[] = [];
  let failed = false;
  for (const c of checks) {
    let why: string | undefined;
    try {
      why = await c.run();
    } catch (err) {
      why = err instanceof Error ? err.message : String(err);
    }
    if (why === undefined) lines.push(`[+]${c.name} ok`);
    else {
      failed = true;
      lines.push(`[-]${c.name} failed: ${why}`);
    }
  }
  if (req.destroyed) return;
  if (failed) {
    httpError(res, 503, `${lines.join('\n')}\n${which} check failed`);
    return;
  }
  const body = `${verbose ? lines.map((l) => `${l}\n`).join('') : ''}ok\n`;
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
