import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fromServerError } from '../api/errors.js';
import { Permission_Type } from '../gen/authpb.js';
import { InternalRequest, type InternalRequestInit } from '../gen/raftkvpb.js';
import type { CommittedEntry } from './consensus.js';
import { StateMachine } from './state-machine.js';

// The applier's second look at a client's entry (etcd's authApplierV3): the proposer checked it
// against its auth state; the entry is refused when the auth store moved on before it applied.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const b = (s: string): Buffer => Buffer.from(s);

function setup(): { sm: StateMachine; apply: (req: InternalRequestInit) => ReturnType<StateMachine['apply']>['applied'][number]['result'] } {
  const dir = mkdtempSync(join(tmpdir(), 'apply-auth-'));
  dirs.push(dir);
  const sm = new StateMachine(join(dir, 'state.db'), { logger: pino({ level: 'silent' }) });
  let index = 0;
  let id = 0n;
  const apply = (req: InternalRequestInit) => {
    index++;
    id++;
    const entry: CommittedEntry = { index, term: 1, type: 'normal', data: InternalRequest.encode({ ...req, ID: id }).finish() };
    const out = sm.apply([entry]).applied[0];
    if (out === undefined) throw new Error('nothing applied');
    return out.result;
  };
  apply({ auth_user_add: { name: 'root', password: '', options: { no_password: true } } });
  apply({ auth_user_grant_role: { user: 'root', role: 'root' } });
  apply({ auth_user_add: { name: 'alice', password: '', options: { no_password: true } } });
  apply({ auth_role_add: { name: 'app' } });
  apply({ auth_role_grant_permission: { name: 'app', perm: { permType: Permission_Type.READWRITE, key: b('/app/'), range_end: b('/app0') } } });
  apply({ auth_user_grant_role: { user: 'alice', role: 'app' } });
  apply({ auth_enable: {} });
  return { sm, apply };
}

const putAs = (username: string, authRevision: number, key = '/app/x'): InternalRequestInit => ({
  put: { key: b(key), value: b('v') },
  header: { username, auth_revision: authRevision },
});

describe('permission check at apply', () => {
  it('a write checked before the role was revoked is refused with etcd\'s old-revision error', async () => {
    const { sm, apply } = setup();
    const checkedAt = sm.auth.revision(); // the proposer's check passed here
    expect(apply(putAs('alice', checkedAt)).ok).toBe(true);
    apply({ auth_user_revoke_role: { name: 'alice', role: 'app' }, header: { username: 'root', auth_revision: checkedAt } });
    const r = apply(putAs('alice', checkedAt));
    expect(r).toEqual({ ok: false, error: { kind: 'auth_old_revision' } });
    if (!r.ok) expect(fromServerError(r.error)).toEqual({ code: 3, message: 'etcdserver: revision of auth store is old' });
    expect(sm.store.get(b('/app/x'))?.version).toBe(1); // the refused put left nothing
    await sm.close();
  });

  it('the applying member checks the permission with its own state', async () => {
    const { sm, apply } = setup();
    const rev = sm.auth.revision();
    expect(apply(putAs('alice', rev, '/etc/x'))).toEqual({ ok: false, error: { kind: 'permission_denied' } });
    expect(apply(putAs('ghost', rev))).toEqual({ ok: false, error: { kind: 'permission_denied' } });
    expect(apply(putAs('', rev))).toEqual({ ok: false, error: { kind: 'user_empty' } });
    expect(apply(putAs('root', rev, '/etc/x')).ok).toBe(true);
    const txn: InternalRequestInit = {
      txn: { compare: [], success: [{ request_put: { key: b('/app/a'), value: b('v') } }, { request_range: { key: b('/etc'), range_end: b('') } }], failure: [] },
      header: { username: 'alice', auth_revision: rev },
    };
    expect(apply(txn)).toEqual({ ok: false, error: { kind: 'permission_denied' } });
    await sm.close();
  });

  it('auth changes need root at apply; lease revokes need write access to the lease keys', async () => {
    const { sm, apply } = setup();
    const rev = sm.auth.revision();
    expect(apply({ auth_role_add: { name: 'x' }, header: { username: 'alice', auth_revision: rev } })).toEqual({
      ok: false,
      error: { kind: 'permission_denied' },
    });
    expect(apply({ auth_role_add: { name: 'x' }, header: { username: 'root', auth_revision: 0 } }).ok).toBe(true); // etcd: no revision check for admin
    const now = sm.auth.revision();
    apply({ lease_grant: { ID: 7n, TTL: 60 } });
    apply({ put: { key: b('/etc/leased'), value: b('v'), lease: 7n }, header: { username: 'root', auth_revision: now } });
    expect(apply({ lease_revoke: { ID: 7n }, header: { username: 'alice', auth_revision: now } })).toEqual({
      ok: false,
      error: { kind: 'permission_denied' },
    });
    // nor attach it to a key of her own (etcd 3.4 answers the same; a txn's puts are not checked for it)
    expect(apply({ put: { key: b('/app/l'), value: b('v'), lease: 7n }, header: { username: 'alice', auth_revision: now } })).toEqual({
      ok: false,
      error: { kind: 'permission_denied' },
    });
    const txnPut: InternalRequestInit = {
      txn: { compare: [], success: [{ request_put: { key: b('/app/t'), value: b('v'), lease: 7n } }], failure: [] },
      header: { username: 'alice', auth_revision: now },
    };
    expect(apply(txnPut).ok).toBe(true);
    expect(apply({ lease_revoke: { ID: 7n } }).ok).toBe(true); // a member's own (expiry) carries no header
    await sm.close();
  });

  it('entries are not checked while auth is off', async () => {
    const { sm, apply } = setup();
    apply({ auth_disable: {}, header: { username: 'root', auth_revision: sm.auth.revision() } });
    expect(sm.auth.enabled).toBe(false);
    expect(apply(putAs('', 0, '/etc/x')).ok).toBe(true);
    await sm.close();
  });
});
