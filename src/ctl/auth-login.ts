// --user / --password: like etcd's client, raftkvctl authenticates once when
// it connects and sends the token with every call. A server without auth
// enabled answers "authentication is not enabled"; the command then goes on
// without a token, as etcdctl's does.
import * as rpc from '../gen/etcdserverpb.js';
import type { EtcdClient } from '../client/etcd-client.js';
import { EtcdClientError } from '../client/errors.js';
import { CtlError, ExitCode } from './exit.js';
import { clientErrorMessage } from './call-errors.js';
import type { Globals } from './globals.js';
import { askLoginPassword } from './password-prompt.js';
import { logFailedCall } from './zap-warn.js';

export interface Credentials {
  name: string;
  password: string;
}

const AUTH_NOT_ENABLED = 'etcdserver: authentication is not enabled';

/** The name and password --user/--password give (asking for the password when neither carries one). */
export async function credentialsOf(g: Globals): Promise<Credentials | undefined> {
  if (g.user === undefined) return undefined;
  if (g.password !== undefined) return { name: g.user, password: g.password };
  const colon = g.user.indexOf(':');
  if (colon >= 0) return { name: g.user.slice(0, colon), password: g.user.slice(colon + 1) };
  return { name: g.user, password: await askLoginPassword() };
}

/**
 * Authenticates on each endpoint in turn until one answers; the token is then
 * sent with every call. Fails as etcdctl does when it cannot connect (exit 2).
 */
export async function logIn(c: EtcdClient, g: Globals): Promise<void> {
  const cred = await credentialsOf(g);
  // etcd's client logs in only with both a name and a password.
  if (cred === undefined || cred.name === '' || cred.password === '') return;
  let last: unknown;
  for (let i = 0; i < c.endpoints.length; i++) {
    try {
      const r = await c.unary(rpc.AuthService.Authenticate, cred);
      c.setToken(r.token);
      return;
    } catch (e) {
      logFailedCall(e);
      if (e instanceof EtcdClientError && e.details === AUTH_NOT_ENABLED) return;
      last = e;
      c.rotate();
    }
  }
  const msg = last instanceof EtcdClientError ? clientErrorMessage(last) : String(last);
  throw new CtlError(msg, ExitCode.BadConnection);
}
