import { describe, expect, it } from 'vitest';
import type * as rpc from '../../gen/etcdserverpb.js';
import { alarmText, hashJson, hashOutput, healthOutput, healthText, memberListOutput, statusJson, statusOutput } from './cluster.js';
import { protoJson } from './json.js';

const header = (member: bigint): rpc.ResponseHeader => ({ cluster_id: 1295049836938912766n, member_id: member, revision: 52, raft_term: 2 });
const N1 = 0xb7e1ef5dd31a6c56n;
const N3 = 0x9aa4751d7f919137n;

const members: rpc.MemberListResponse = {
  header: { ...header(N3), revision: 0 },
  members: [
    { ID: N3, name: 'n3', peerURLs: ['http://127.0.0.1:32580'], clientURLs: ['http://127.0.0.1:32579'], isLearner: false },
    { ID: 0x2b9904dbb6c2b644n, name: '', peerURLs: ['http://127.0.0.1:32780'], clientURLs: [], isLearner: true },
  ],
};

function status(member: bigint, dbSize: number): rpc.StatusResponse {
  return {
    header: header(member),
    version: '3.4.23',
    dbSize,
    leader: N1,
    raftIndex: 91,
    raftTerm: 2,
    raftAppliedIndex: 91,
    errors: [],
    dbSizeInUse: 20480,
    isLearner: false,
  };
}

describe('member list', () => {
  it('simple', () => {
    expect(memberListOutput(members, 'simple')).toBe(
      '9aa4751d7f919137, started, n3, http://127.0.0.1:32580, http://127.0.0.1:32579, false\n' +
        '2b9904dbb6c2b644, unstarted, , http://127.0.0.1:32780, , true\n',
    );
  });

  it('table', () => {
    expect(memberListOutput(members, 'table')).toBe(
      [
        '+------------------+-----------+------+------------------------+------------------------+------------+',
        '|        ID        |  STATUS   | NAME |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
        '+------------------+-----------+------+------------------------+------------------------+------------+',
        '| 9aa4751d7f919137 |   started |   n3 | http://127.0.0.1:32580 | http://127.0.0.1:32579 |      false |',
        '| 2b9904dbb6c2b644 | unstarted |      | http://127.0.0.1:32780 |                        |       true |',
        '+------------------+-----------+------+------------------------+------------------------+------------+',
        '',
      ].join('\n'),
    );
  });

  it('json', () => {
    expect(`${protoJson({ ...members, members: members.members.slice(0, 1) })}\n`).toBe(
      '{"header":{"cluster_id":1295049836938912766,"member_id":11143160147576197431,"raft_term":2},' +
        '"members":[{"ID":11143160147576197431,"name":"n3","peerURLs":["http://127.0.0.1:32580"],"clientURLs":["http://127.0.0.1:32579"]}]}\n',
    );
  });
});

describe('endpoint status / hashkv / health', () => {
  const list = [{ endpoint: '127.0.0.1:32379', status: status(N1, 24576) }];

  it('status simple ends with the empty errors cell', () => {
    expect(statusOutput(list, 'simple')).toBe('127.0.0.1:32379, b7e1ef5dd31a6c56, 3.4.23, 25 kB, true, false, 2, 91, 91, \n');
  });

  it('status table', () => {
    expect(statusOutput(list, 'table').split('\n')[3]).toBe(
      '| 127.0.0.1:32379 | b7e1ef5dd31a6c56 |  3.4.23 |   25 kB |      true |      false |         2 |         91 |                 91 |        |',
    );
  });

  it('status json', () => {
    expect(statusJson(list)).toBe(
      '[{"Endpoint":"127.0.0.1:32379","Status":{"header":{"cluster_id":1295049836938912766,"member_id":13250134764953431126,"revision":52,"raft_term":2},' +
        '"version":"3.4.23","dbSize":24576,"leader":13250134764953431126,"raftIndex":91,"raftTerm":2,"raftAppliedIndex":91,"dbSizeInUse":20480}}]\n',
    );
  });

  it('hashkv', () => {
    const h: rpc.HashKVResponse = { header: header(N1), hash: 2652137118, compact_revision: -1 };
    expect(hashOutput([{ endpoint: 'e1', hash: h }], 'simple')).toBe('e1, 2652137118\n');
    expect(hashJson([{ endpoint: 'e1', hash: h }])).toContain('"hash":2652137118,"compact_revision":-1}}]');
  });

  it('health', () => {
    const hs = [
      { endpoint: 'a:1', healthy: true, tookNs: 5_211_526n, error: '' },
      { endpoint: 'b:2', healthy: false, tookNs: 0n, error: 'context deadline exceeded' },
    ];
    expect(healthText(hs)).toBe(
      'a:1 is healthy: successfully committed proposal: took = 5.211526ms\n' +
        'b:2 is unhealthy: failed to commit proposal: context deadline exceeded\n',
    );
    expect(healthOutput(hs.slice(0, 1), 'json')).toBe('[{"endpoint":"a:1","health":true,"took":"5.211526ms"}]\n');
    expect(healthOutput(hs, 'json')).toContain('"error":"context deadline exceeded"');
    expect(healthOutput(hs.slice(0, 1), 'table').split('\n')[1]).toBe('| ENDPOINT | HEALTH |    TOOK    | ERROR |');
  });

  it('alarm', () => {
    expect(alarmText({ header: header(N1), alarms: [{ memberID: 7n, alarm: 1 }] })).toBe('memberID:7 alarm:NOSPACE \n');
  });
});
