// What the logged-in user may write, from its roles' permissions (a user may read its own user and roles).
import type { Api } from './api';
import { b64ToBytes, compareBytes, utf8 } from './bytes';
import type { GatewayPermission } from './types';

interface Range {
  key: Uint8Array;
  /** Empty: the single key; [0]: every key from `key` on. */
  end: Uint8Array;
}

export class Perms {
  private constructor(
    private readonly all: boolean,
    private readonly writes: Range[],
  ) {}

  static everything(): Perms {
    return new Perms(true, []);
  }

  /** Asks the server for the user's roles and their permissions. */
  static async load(api: Api, user: string): Promise<Perms> {
    const u = await api.gateway<{ roles?: string[] }>('/v3/auth/user/get', { name: user });
    const roles = u.roles ?? [];
    if (roles.includes('root')) return Perms.everything();
    const writes: Range[] = [];
    for (const role of roles) {
      const r = await api.gateway<{ perm?: GatewayPermission[] }>('/v3/auth/role/get', { role });
      for (const p of r.perm ?? []) {
        if (p.permType !== 'WRITE' && p.permType !== 'READWRITE') continue;
        writes.push({ key: b64ToBytes(p.key ?? ''), end: b64ToBytes(p.range_end ?? '') });
      }
    }
    return new Perms(false, writes);
  }

  get canWriteSomething(): boolean {
    return this.all || this.writes.length > 0;
  }

  canWrite(key: string): boolean {
    if (this.all) return true;
    const k = utf8(key);
    return this.writes.some((r) => {
      if (r.end.length === 0) return compareBytes(k, r.key) === 0;
      const openEnd = r.end.length === 1 && r.end[0] === 0;
      return compareBytes(k, r.key) >= 0 && (openEnd || compareBytes(k, r.end) < 0);
    });
  }
}
