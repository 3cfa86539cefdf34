// --enable-pprof: etcd serves Go's net/http/pprof under /debug/pprof/ on the client port. raftkv
// serves the CPU profile there, taken with node:inspector: /debug/pprof/profile?seconds=N (Go's
// default 30) answers with a V8 .cpuprofile (JSON, opens in Chrome DevTools or speedscope),
// not Go's pprof protobuf. The index lists it; Go's other profiles (heap, goroutine...) are 404.
import type http from 'node:http';
import { Session } from 'node:inspector/promises';
import { httpError } from './http-error.js';
import { getOnly } from './monitoring.js';

const PREFIX = '/debug/pprof/';
const DEFAULT_SECONDS = 30;
const INDEX = `<html><head><title>/debug/pprof/</title></head><body>
/debug/pprof/<br><br>
<a href="profile?seconds=30">profile</a>: CPU profile (V8 .cpuprofile); ?seconds=N sets its length<br>
</body></html>
`;

export class Pprof {
  private busy = false;

  /** Serves `url` if it is under /debug/pprof/; false otherwise. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    if (url.pathname === '/debug/pprof') {
      res.writeHead(301, { Location: PREFIX });
      res.end();
      return true;
    }
    if (!url.pathname.startsWith(PREFIX)) return false;
    if (!getOnly(req, res)) return true;
    const name = url.pathname.slice(PREFIX.length);
    if (name === '') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(INDEX);
    } else if (name === 'profile') void this.profile(url, res);
    else httpError(res, 404, 'Unknown profile');
    return true;
  }

  private async profile(url: URL, res: http.ServerResponse): Promise<void> {
    const given = url.searchParams.get('seconds');
    const seconds = given === null ? DEFAULT_SECONDS : Number(given);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      httpError(res, 400, 'Bad Request: invalid seconds');
      return;
    }
    // Go's answer while another CPU profile is running.
    if (this.busy) {
      httpError(res, 500, 'Could not enable CPU profiling: cpu profiling already in use');
      return;
    }
    this.busy = true;
    const session = new Session();
    try {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const { profile } = await session.post('Profiler.stop');
      const body = JSON.stringify(profile);
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Disposition': 'attachment; filename="profile.cpuprofile"',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(body);
    } catch (err) {
      httpError(res, 500, `Could not enable CPU profiling: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      session.disconnect();
      this.busy = false;
    }
  }
}
