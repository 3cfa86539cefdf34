import { describe, expect, it } from 'vitest';
import { replaceFirst } from './make-mirror-command.js';

describe('make-mirror key mapping (Go strings.Replace(key, prefix, dest, 1))', () => {
  const f = (k: string, from: string, to: string): string => replaceFirst(Buffer.from(k), Buffer.from(from), Buffer.from(to)).toString();
  it('replaces the first occurrence only; an empty prefix prepends', () => {
    expect(f('/src/a', '/src/', '/dst/')).toBe('/dst/a');
    expect(f('/src/a/src/', '/src/', '')).toBe('a/src/');
    expect(f('k', '', '/p/')).toBe('/p/k');
    expect(f('k', '', '')).toBe('k');
  });
});
