// watch's `-- command args...`: the command runs once per event, with the
// event in ETCD_WATCH_* variables, its output going where raftkvctl's goes.
import { spawn } from 'node:child_process';
import type * as rpc from '../gen/etcdserverpb.js';
import * as mvccpb from '../gen/mvccpb.js';
import { CtlError, ExitCode } from './exit.js';
import { goQuote } from './format/go-quote.js';

/** Go's error text for a command that could not run or failed. */
function runError(cmd: string, code: number | null, signal: NodeJS.Signals | null, spawnError: Error | undefined): string | undefined {
  if (spawnError !== undefined) {
    const errno = (spawnError as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT') return `exec: ${goQuote(cmd)}: executable file not found in $PATH`;
    return spawnError.message;
  }
  if (signal !== null) return `signal: ${signal === 'SIGKILL' ? 'killed' : signal.replace(/^SIG/, '').toLowerCase()}`;
  if (code !== 0) return `exit status ${code}`;
  return undefined;
}

export async function execPerEvent(execArgs: string[], resp: rpc.WatchResponse): Promise<void> {
  for (const ev of resp.events) {
    const env = {
      ...process.env,
      ETCD_WATCH_REVISION: String(resp.header?.revision ?? 0),
      ETCD_WATCH_EVENT_TYPE: goQuote(mvccpb.Event_EventType[ev.type] ?? String(ev.type)),
      ETCD_WATCH_KEY: goQuote(ev.kv?.key ?? Buffer.alloc(0)),
      ETCD_WATCH_VALUE: goQuote(ev.kv?.value ?? Buffer.alloc(0)),
    };
    const failure = await new Promise<string | undefined>((resolve) => {
      const child = spawn(execArgs[0]!, execArgs.slice(1), { env, stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('error', (e) => resolve(runError(execArgs[0]!, null, null, e)));
      child.once('exit', (code, signal) => resolve(runError(execArgs[0]!, code, signal, undefined)));
    });
    if (failure !== undefined) {
      process.stderr.write(`command [${execArgs.map(goQuote).join(' ')}] error (${failure})\n`);
      throw new CtlError('', ExitCode.Error);
    }
  }
}
