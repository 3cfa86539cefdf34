// Writing results and reading stdin.
import { joinLines, type Line } from './format/lines.js';

export function printLines(lines: readonly Line[]): void {
  if (lines.length > 0) process.stdout.write(joinLines(lines));
}

export function printText(text: string): void {
  if (text !== '') process.stdout.write(text);
}

export function printErr(text: string): void {
  if (text !== '') process.stderr.write(text);
}

export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks);
}

/** Reads stdin a line at a time, like Go's bufio.Reader.ReadString('\n'). */
export class StdinLines {
  private buf = Buffer.alloc(0);
  private ended = false;
  private readonly iter: AsyncIterator<Buffer | string> = process.stdin[Symbol.asyncIterator]();

  /** The next line including its "\n"; undefined at end of input (a final unterminated line is lost, as in etcdctl). */
  async next(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buf.subarray(0, nl + 1).toString('utf8');
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (this.ended) return undefined;
      const r = await this.iter.next();
      if (r.done === true) this.ended = true;
      else this.buf = Buffer.concat([this.buf, Buffer.isBuffer(r.value) ? r.value : Buffer.from(String(r.value))]);
    }
  }
}

/**
 * The first word of stdin, as Go's fmt.Scanf("%s") reads it: leading spaces
 * skipped, then up to the next space or end of line; empty when the line is.
 */
export async function readStdinWord(): Promise<string> {
  let text = '';
  for await (const c of process.stdin) {
    text += Buffer.isBuffer(c) ? c.toString('utf8') : String(c);
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  return /^[ \t]*(\S*)/.exec(line)?.[1] ?? '';
}
