// GET /ui/api/config: what the front end needs before it asks anything else (open to all).

export interface ConsoleConfig {
  readOnly: boolean;
  authEnabled: boolean;
  memberId: string;
  name: string;
  version: string;
}

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
