// Progress of a long operation (check perf/datascale, snapshot save/restore,
// defrag), drawn only when the stream is a terminal: a pipe or file gets
// nothing, so scripted output stays what etcdctl's deterministic lines are.
// On a terminal it is drawn the way etcdctl's progress bar (cheggaaa/pb with
// format "Bom !") is: "\r<done> / <total> Boooom     ! 40.00% 00m36s".
import { formatGoDuration } from './format/go-duration.js';

/** What the bar writes to: process.stdout/stderr, or a test's stand-in. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** Counts `n` more units done. */
  add(n?: number): void;
  /** Draws the final state and ends the line; later calls do nothing. */
  finish(): void;
  /** Writes a line of the command's own output without tearing the bar: clears it, runs `print`, redraws. */
  interrupt(print: () => void): void;
}

const REFRESH_MS = 200;
const NONE: Progress = { add: () => undefined, finish: () => undefined, interrupt: (print) => print() };

/** pb's time-left box: "00m36s" (with "<d>d" and "<h>h" in front when that long). */
function timeLeft(ms: number): string {
  let s = Math.floor(ms / 1000);
  let out = '';
  if (s > 86_400) {
    out += `${Math.floor(s / 86_400)}d`;
    s %= 86_400;
  }
  if (s > 3600) {
    out += `${Math.floor(s / 3600)}h`;
    s %= 3600;
  }
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${out}${pad(Math.floor(s / 60))}m${pad(s % 60)}s`;
}

/** One frame: counters, the bar filling the terminal's width, percent and time. */
export function progressFrame(done: number, total: number, width: number, time: string): string {
  const counters = total > 0 ? ` ${done} / ${total} ` : ` ${done} / ? `;
  // Like pb, a bar of unknown total shows no percent.
  const percent = total > 0 ? ` ${((done * 100) / total).toFixed(2).padStart(6)}%` : '';
  const timeBox = time === '' ? '' : ` ${time}`;
  const size = width - (counters.length + 2 + percent.length + timeBox.length);
  let bar = '';
  if (size > 0 && total > 0) {
    const cur = Math.min(size, Math.ceil((done / total) * size));
    const empty = size - cur;
    bar = 'B' + (empty <= 0 ? 'o'.repeat(cur) : cur > 0 ? 'o'.repeat(cur - 1) + 'm' : '') + ' '.repeat(Math.max(0, empty)) + '!';
  }
  const out = counters + bar + percent + timeBox;
  return out.length < width ? out + ' '.repeat(width - out.length) : out;
}

/** A progress bar over `total` units on `stream`; nothing at all when it is not a terminal. */
export function startProgress(stream: ProgressStream, total: number): Progress {
  if (stream.isTTY !== true) return NONE;
  const started = Date.now();
  let done = 0;
  let changed = started;
  let finished = false;
  let drawn = 0;
  const width = stream.columns ?? 0;
  const draw = (final: boolean): void => {
    drawn = Date.now();
    let time = '';
    if (final) {
      time = formatGoDuration(BigInt(Math.floor((Date.now() - started) / 1000)) * 1_000_000_000n);
    } else if (done > 0 && total > 0) {
      const left = ((changed - started) / done) * (total - done) - (Date.now() - changed);
      if (left >= 1000) time = timeLeft(left);
    }
    stream.write(`\r${progressFrame(done, total, width, time)}`);
  };
  const timer = setInterval(() => draw(false), REFRESH_MS);
  // The bar never keeps the process alive on its own.
  timer.unref();
  draw(false);
  return {
    add(n = 1) {
      done += n;
      changed = Date.now();
      // Synchronous work never lets the timer run: draw from here too, at the same rate.
      if (!finished && changed - drawn >= REFRESH_MS) draw(false);
    },
    finish() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      draw(true);
      stream.write('\n');
    },
    interrupt(print) {
      if (finished) return print();
      stream.write(`\r${' '.repeat(width)}\r`);
      print();
      draw(false);
    },
  };
}
