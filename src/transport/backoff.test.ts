import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles from the base up to the cap, with up to half of each delay random', () => {
    const lo = new Backoff({ baseMs: 50, maxMs: 2000, random: () => 0 });
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => lo.next())).toEqual([25, 50, 100, 200, 400, 800, 1000, 1000]);
    const hi = new Backoff({ baseMs: 50, maxMs: 2000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6, 7].map(() => hi.next())).toEqual([50, 100, 200, 400, 800, 1600, 2000]);
  });

  it('starts over after reset', () => {
    const b = new Backoff({ baseMs: 50, maxMs: 2000, random: () => 0 });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(25);
  });
});
