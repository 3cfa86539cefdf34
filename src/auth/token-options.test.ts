import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './go-duration.js';
import { parseAuthToken } from './token-options.js';
import { openTokenProvider } from './token-provider.js';

// Expected messages are etcd 3.4.23's, from starting it with each flag value (its log's error line
// is `detail`, the line it dies with is `message`).

const refused = (detail: string) => ({ ok: false, error: { message: 'auth: invalid auth options', detail } });

describe('--auth-token', () => {
  it('simple, with or without (ignored) options', () => {
    expect(parseAuthToken('simple')).toEqual({ ok: true, value: { type: 'simple' } });
    expect(parseAuthToken('simple,foo=bar')).toEqual({ ok: true, value: { type: 'simple' } });
  });

  it('an empty value: no tokens at all (etcd starts, then refuses every Authenticate)', () => {
    expect(parseAuthToken('')).toEqual({ ok: true, value: { type: 'none' } });
    const p = openTokenProvider('', 300);
    expect(p.ok && p.value.provider.assign('root', 1, '', 1)).toEqual({ ok: false, error: { kind: 'auth_failed' } });
    expect(p.ok && p.value.provider.info('abc')).toBeUndefined();
  });

  it('jwt options; ttl defaults to 5 minutes; unknown options are kept for a warning', () => {
    expect(parseAuthToken('jwt,pub-key=a.pub,priv-key=a.key,sign-method=RS256')).toEqual({
      ok: true,
      value: { type: 'jwt', signMethod: 'RS256', pubKeyPath: 'a.pub', privKeyPath: 'a.key', ttlMs: 300_000, unknown: [] },
    });
    const p = parseAuthToken('jwt,sign-method=ES384,priv-key=k,ttl=1h30m,foo=bar');
    expect(p.ok && p.value).toMatchObject({ signMethod: 'ES384', pubKeyPath: '', ttlMs: 5_400_000, unknown: ['foo'] });
  });

  it("etcd's errors", () => {
    expect(parseAuthToken('bogus')).toEqual(refused('auth: unknown token type: bogus'));
    expect(parseAuthToken('jwt')).toEqual(refused('auth: problem loading JWT options: auth: invalid auth signature method'));
    expect(parseAuthToken('jwt,sign-method=XX256,pub-key=a,priv-key=b')).toEqual(
      refused('auth: problem loading JWT options: auth: invalid auth signature method'),
    );
    expect(parseAuthToken('jwt,sign-method=RS256,ttl=abc')).toEqual(refused('auth: problem loading JWT options: time: invalid duration "abc"'));
    expect(parseAuthToken('jwt,sign-method=RS256,ttl')).toEqual(refused('auth: invalid token specific option: jwt,sign-method=RS256,ttl'));
    expect(parseAuthToken('jwt,sign-method=RS256,ttl=1m,ttl=2m')).toEqual(
      refused('auth: invalid token specific option, duplicated parameters (ttl): jwt,sign-method=RS256,ttl=1m,ttl=2m'),
    );
  });
});

describe("Go's ParseDuration", () => {
  it('units, fractions, sequences, and its errors', () => {
    expect(parseGoDuration('300ms')).toEqual({ ok: true, value: 300 });
    expect(parseGoDuration('1.5h')).toEqual({ ok: true, value: 5_400_000 });
    expect(parseGoDuration('2m30s')).toEqual({ ok: true, value: 150_000 });
    expect(parseGoDuration('0')).toEqual({ ok: true, value: 0 });
    expect(parseGoDuration('5')).toEqual({ ok: false, error: 'time: missing unit in duration "5"' });
    expect(parseGoDuration('5x')).toEqual({ ok: false, error: 'time: unknown unit "x" in duration "5x"' });
    expect(parseGoDuration('')).toEqual({ ok: false, error: 'time: invalid duration ""' });
  });
});
