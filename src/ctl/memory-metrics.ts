// The resident memory of a member, read from its /metrics as `check
// datascale` does. Like etcdctl, a failure is printed (to stdout) and read
// as 0 bytes.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { ClientTls } from '../client/tls.js';
import { printText } from './io.js';

const RESIDENT = 'process_resident_memory_bytes';

/** Go's net/http wording for the errors a fetch mostly meets. */
function fetchError(url: string, e: NodeJS.ErrnoException): string {
  const host = new URL(url).host;
  if (e.code === 'ECONNREFUSED') return `Get "${url}": dial tcp ${host}: connect: connection refused`;
  return `Get "${url}": ${e.message}`;
}

function get(url: string, tls: ClientTls): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    };
    const req = url.startsWith('https://')
      ? https.get(url, { cert: readFileSync(tls.certFile ?? ''), key: readFileSync(tls.keyFile ?? ''), rejectUnauthorized: tls.insecureSkipVerify !== true }, done)
      : http.get(url, done);
    req.on('error', reject);
  });
}

/** process_resident_memory_bytes of the member at `endpoint`; 0 (after a message on stdout) when it cannot be read. */
export async function residentMemoryBytes(endpoint: string, tls: ClientTls): Promise<number> {
  const host = /^https?:\/\//.test(endpoint) ? endpoint : `http://${endpoint}`;
  const url = `${host}/metrics`;
  if (url.startsWith('https://')) {
    // Like Go's tls.LoadX509KeyPair: both files are needed, even empty names.
    for (const file of [tls.certFile ?? '', tls.keyFile ?? '']) {
      try {
        readFileSync(file);
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
        printText(`client certificate error: open ${file}: ${why}\n`);
        return 0;
      }
    }
  }
  let body: string;
  try {
    body = await get(url, tls);
  } catch (e) {
    printText(`fetch error: ${fetchError(url, e as NodeJS.ErrnoException)}\n`);
    return 0;
  }
  const line = body.split('\n').find((l) => l.startsWith(RESIDENT));
  const value = line === undefined ? '' : line.slice(RESIDENT.length).trim();
  if (value === '') {
    printText(`could not find: ${RESIDENT}\n`);
    return 0;
  }
  const bytes = Number(value);
  if (Number.isNaN(bytes) && value !== 'NaN') {
    printText(`parse error: strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax\n`);
    return 0;
  }
  return bytes;
}
