// The login form when auth is enabled: the gateway's /v3/auth/authenticate gives the token.
import { useState } from 'preact/hooks';
import { Api, errorText } from '../lib/api';
import type { Session } from '../lib/session';
import { ErrorBox } from './ErrorBox';

export function Login({ onLogin }: { onLogin: (s: Session) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await new Api(null).gateway<{ token?: string }>('/v3/auth/authenticate', { name, password });
      if (r.token === undefined) throw new Error('no token in the answer');
      onLogin({ user: name, token: r.token });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="login" data-testid="login-form" onSubmit={(e) => void submit(e)}>
      <h1>raftkv</h1>
      <p class="muted">Authentication is enabled. Log in with an etcd user.</p>
      <label>
        User
        <input name="user" autocomplete="username" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Password
        <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={busy || name === ''}>
        Log in
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
