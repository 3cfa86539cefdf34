// Picks the printer for -w: each command offers the formats etcdctl has a
// printer for; any other ends the command as etcdctl does (after the call has
// been made, like etcdctl's display step).
import { CtlError, ExitCode } from './exit.js';
import type { Globals, OutputFormat } from './globals.js';

export type Rendered = string | Buffer;

export type Renderers = Partial<Record<OutputFormat, () => Rendered>>;

export function unsupportedFormat(format: OutputFormat): CtlError {
  return new CtlError(`${format} not supported as output format`, ExitCode.BadFeature);
}

export function render(g: Globals, renderers: Renderers): Rendered {
  const f = renderers[g.format];
  if (f === undefined) throw unsupportedFormat(g.format);
  return f();
}

/** Prints the response in the chosen format. */
export function display(g: Globals, renderers: Renderers): void {
  const out = render(g, renderers);
  if (out.length > 0) process.stdout.write(out);
}

/** A protobuf message as etcdctl's `-w protobuf` prints it: the encoded bytes, no newline. */
export function protobufBytes<T>(codec: { encode(m: T): { finish(): Uint8Array } }, message: T): Buffer {
  return Buffer.from(codec.encode(message).finish());
}
