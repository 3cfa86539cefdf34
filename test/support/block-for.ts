/** Blocks the thread, as a slow fsync does: nothing else runs meanwhile. Test hooks only. */
export function blockFor(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
