import { describe, expect, it } from 'vitest';
import { parseInteractiveWatch, parseWatchCommandLine, watchRange } from './watch-args.js';

const noEnv = { key: '', rangeEnd: '' };

describe('watch arguments', () => {
  it('splits the exec command after --', () => {
    expect(parseWatchCommandLine(['foo', '--prefix', '--', 'echo', 'x'], ['foo', 'echo', 'x'], noEnv)).toEqual({
      watchArgs: ['foo'],
      execArgs: ['echo', 'x'],
    });
  });

  it('refuses a trailing -- and a missing key', () => {
    expect(() => parseWatchCommandLine(['foo', '--'], ['foo'], noEnv)).toThrow('bad number of arguments (found separator --, but no commands)');
    expect(() => parseWatchCommandLine([], [], noEnv)).toThrow('bad number of arguments');
  });

  it('takes the key from ETCDCTL_WATCH_KEY, but not both ways', () => {
    expect(parseWatchCommandLine(['--rev', '2'], [], { key: 'k', rangeEnd: 'z' }).watchArgs).toEqual(['k', 'z']);
    expect(() => parseWatchCommandLine(['x'], ['x'], { key: 'k', rangeEnd: '' })).toThrow('found conflicting environment key');
  });

  it('parses an interactive line with its own flags', () => {
    expect(parseInteractiveWatch(['--prefix', '--rev=3', 'a', '--', 'echo'], noEnv)).toEqual({
      watchArgs: ['a'],
      execArgs: ['echo'],
      flags: { prefix: true, rev: 3, prevKv: false },
    });
    expect(() => parseInteractiveWatch(['--bogus', 'a'], noEnv)).toThrow('unknown flag: --bogus');
  });

  it('checks the range as etcdctl does (a third word is ignored)', () => {
    expect(watchRange(['a', 'b'], true)).toBe('`range_end` and `--prefix` are mutually exclusive');
    expect(watchRange(['a', 'b', 'c'], false)).toEqual({ key: 'a' });
  });
});
