// The member's logger: JSON lines (pino) at --log-level, written to each --log-outputs target.
import { openSync } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';

/** etcd's 'default' is stderr (journald under systemd, which raftkv does not talk to). */
function destination(target: string): DestinationStream {
  if (target === 'default' || target === 'stderr') return pino.destination(2);
  if (target === 'stdout') return pino.destination(1);
  // Opened here so that a bad path fails the start, as etcd's "open sink" error does.
  return pino.destination({ fd: openSync(target, 'a', 0o600) });
}

export function memberLogger(level: string, outputs: readonly string[] = ['default']): Logger {
  const pinoLevel = level === 'panic' ? 'fatal' : level;
  const targets = [...new Set(outputs.length === 0 ? ['default'] : outputs)];
  if (targets.length === 1) return pino({ level: pinoLevel }, destination(targets[0]!));
  return pino({ level: pinoLevel }, pino.multistream(targets.map((t) => ({ level: pinoLevel as pino.Level, stream: destination(t) }))));
}
