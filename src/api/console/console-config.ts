// GET /ui/api/config: what the front end needs before it asks anything else (open to all).
import type { ConsoleConfig } from './api-types.js';
export type { ConsoleConfig } from './api-types.js';

export interface ConfigSource {
  readOnly: boolean;
  memberId: bigint;
  name: string;
  version: string;
  authEnabled(): boolean;
}

export function consoleConfig(s: ConfigSource): ConsoleConfig {
  return { readOnly: s.readOnly, authEnabled: s.authEnabled(), memberId: s.memberId.toString(16), name: s.name, version: s.version };
}
