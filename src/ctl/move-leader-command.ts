// move-leader: finds the leader among --endpoints (a Status call each, in
// order) and asks it to hand leadership to the given member.
import type { Command } from 'commander';
import * as rpc from '../gen/etcdserverpb.js';
import { badArgs } from './exit.js';
import { callFailed } from './call-errors.js';
import { protoJson } from './format/json.js';
import { readGlobals, withClient } from './globals.js';
import { display, protobufBytes } from './output.js';

export function registerMoveLeaderCommand(program: Command): void {
  program
    .command('move-leader')
    .description('Transfers leadership to another etcd cluster member.')
    .usage('<transferee-member-id>')
    .argument('[id...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('move-leader command needs 1 argument');
      const s = args[0]!;
      if (!/^[0-9a-fA-F]+$/.test(s)) throw badArgs(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
      const target = BigInt(`0x${s}`);
      if (target >= 2n ** 64n) throw badArgs(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
      let leader: { endpoint: string; id: bigint } | undefined;
      for (const ep of g.endpoints) {
        const st = await withClient(g, (c) => c.status(), [ep]).catch((e: unknown) => {
          throw callFailed(e);
        });
        if (st.header?.member_id === st.leader) {
          leader = { endpoint: ep, id: st.leader };
          break;
        }
      }
      if (leader === undefined) throw badArgs(`no leader endpoint given at [${g.endpoints.join(' ')}]`);
      const r = await withClient(g, (c) => c.unary(rpc.MaintenanceService.MoveLeader, { targetID: target }), [leader.endpoint]).catch(
        (e: unknown) => {
          throw callFailed(e);
        },
      );
      const from = leader.id;
      display(g, {
        simple: () => `Leadership transferred from ${from.toString(16)} to ${target.toString(16)}\n`,
        json: () => `${protoJson(r)}\n`,
        protobuf: () => protobufBytes(rpc.MoveLeaderResponse, r),
      });
    });
}
