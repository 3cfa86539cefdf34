import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, readBody, readJson } from './json-value.js';

describe('readJson', () => {
  it(`reads values nested ${MAX_DEPTH} deep`, () => {
    const r = readJson(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)} `);
    expect(r.kind).toBe('value');
  });

  it('refuses deeper nesting with an error instead of exhausting the stack', () => {
    for (const open of ['[', '{"a":']) {
      const text = open.repeat(200_000);
      expect(readJson(text)).toEqual({ kind: 'error', message: 'exceeded max depth' });
      expect(readBody(text)).toEqual({ ok: false, message: 'exceeded max depth' });
    }
  });

  it('counts depth along one path, not over siblings', () => {
    const sibling = `[${Array.from({ length: MAX_DEPTH * 2 }, () => '[[]]').join(',')}]`;
    expect(readJson(`${sibling} `).kind).toBe('value');
  });
});
