// etcdctl's exit codes and how errors are reported: "Error: <message>" on
// stderr, then exit with the code the failing step calls for. No gRPC here, so
// that commands without a client start without loading it (call-errors.ts has
// the messages of failed calls).

export const ExitCode = {
  Success: 0,
  Error: 1,
  BadConnection: 2,
  InvalidInput: 3,
  BadFeature: 4,
  Interrupted: 5,
  IO: 6,
  BadArgs: 128,
} as const;

/** An error that ends the command with a given exit code. */
export class CtlError extends Error {
  override readonly name = 'CtlError';

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * Where etcdctl 3.4 crashes (a Go panic, exit status 2), raftkvctl ends the
 * same way, with the panic's first line and no stack.
 */
export class GoPanic extends CtlError {
  constructor(message: string) {
    super(message, 2);
  }
}

export function badArgs(message: string): CtlError {
  return new CtlError(message, ExitCode.BadArgs);
}
