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
