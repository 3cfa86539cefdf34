// What every view needs: the API with the user's token, the member's console config, and what the user may write.
import type { Api } from './api';
import type { Perms } from './perms';
import type { ConsoleConfig } from './types';

export interface Ctx {
  api: Api;
  config: ConsoleConfig;
  perms: Perms;
}

/** Whether write controls for `key` are shown: never in --ui-read-only mode, else as the user's permissions allow. */
export function mayWrite(ctx: Ctx, key: string): boolean {
  return !ctx.config.readOnly && ctx.perms.canWrite(key);
}

export function mayWriteSomething(ctx: Ctx): boolean {
  return !ctx.config.readOnly && ctx.perms.canWriteSomething;
}
