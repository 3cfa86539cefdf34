import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressFrame, startProgress, type ProgressStream } from './progress.js';

/** A stream that records what is written to it. */
function recorder(isTTY: boolean, columns?: number): ProgressStream & { text: () => string } {
  const out: string[] = [];
  return {
    isTTY,
    ...(columns !== undefined ? { columns } : {}),
    write: (s: string) => out.push(s),
    text: () => out.join(''),
  };
}

describe('progress', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes nothing at all to a stream that is not a terminal', () => {
    vi.useFakeTimers();
    const s = recorder(false, 80);
    const p = startProgress(s, 10);
    p.add(3);
    vi.advanceTimersByTime(1000);
    let printed = false;
    p.interrupt(() => {
      printed = true;
    });
    p.finish();
    expect(printed).toBe(true);
    expect(s.text()).toBe('');
  });

  it('draws on a terminal: a frame at once, redraws as time passes, the final one and a newline', () => {
    vi.useFakeTimers();
    const s = recorder(true, 40);
    const p = startProgress(s, 4);
    expect(s.text()).toBe(`\r${progressFrame(0, 4, 40, '')}`);
    p.add(1);
    vi.advanceTimersByTime(200);
    const frames = s.text().split('\r').slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-1)).toMatch(/^ 1 \/ 4 Bo+m +! {2}25\.00% *$/);
    p.add(3);
    p.finish();
    expect(s.text().endsWith(`\r${progressFrame(4, 4, 40, '0s')}\n`)).toBe(true);
    const length = s.text().length;
    p.finish();
    vi.advanceTimersByTime(1000);
    expect(s.text().length).toBe(length);
  });

  it('a line of output clears the bar, then the bar comes back', () => {
    vi.useFakeTimers();
    const s = recorder(true, 30);
    const p = startProgress(s, 2);
    p.interrupt(() => s.write('Finished\n'));
    expect(s.text()).toContain(`\r${' '.repeat(30)}\rFinished\n\r 0 / 2 `);
    p.finish();
  });

  it("frames as etcdctl's bar (pb, format \"Bom !\") draws them", () => {
    expect(progressFrame(0, 60, 40, '')).toBe(` 0 / 60 B${' '.repeat(22)}!   0.00%`);
    expect(progressFrame(30, 60, 40, '00m30s')).toBe(` 30 / 60 B${'o'.repeat(6)}m${' '.repeat(7)}!  50.00% 00m30s`);
    expect(progressFrame(60, 60, 40, '1m0s')).toBe(` 60 / 60 B${'o'.repeat(16)}! 100.00% 1m0s`);
    // No width (not known): no bar, as pb draws it then.
    expect(progressFrame(3, 60, 0, '00m57s')).toBe(' 3 / 60    5.00% 00m57s');
    // Unknown total: a count only.
    expect(progressFrame(4096, 0, 0, '')).toBe(' 4096 / ? ');
  });
});
