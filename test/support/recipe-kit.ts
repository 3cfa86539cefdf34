// An in-memory member for the lock and election recipes' unit tests: a real MvccStore and
// WatchHub behind KV calls that apply at once (no raft), a lease table the test controls, and
// auth off. Not used by production code.
import { AuthStore } from '../../src/auth/auth-store.js';
import type { EtcdError } from '../../src/api/errors.js';
import { inProcessClient } from '../../src/api/concurrency/in-process-client.js';
import type { SessionClient } from '../../src/api/concurrency/session-client.js';
import { fromServerError } from '../../src/api/errors.js';
import { reply, type Reply } from '../../src/api/handler.js';
import { makeHeader, type HeaderSource } from '../../src/api/header.js';
import type { KvCalls } from '../../src/api/kv-service.js';
import * as grpc from '@grpc/grpc-js';
import type { MvccError, Result, WriteOutcome } from '../../src/mvcc/types.js';
import { WatchHub } from '../../src/watch/index.js';
import { toDeleteRange, toPut, toRange, toTxn } from '../../src/wire/requests.js';
import { fromDeleteRange, fromPut, fromRange, fromTxn } from '../../src/wire/responses.js';
import { FakeLeases, memStore } from './mvcc-kit.js';

export interface RecipeMember {
  /** A client as one caller: each call gets its own, as each gRPC call does. */
  client(): SessionClient;
  leases: FakeLeases;
  /** Revokes a lease: its keys are deleted, as the lessor's revoke does. */
  revoke(id: bigint): void;
  close(): void;
}

function failed(e: MvccError): { ok: false; error: EtcdError } {
  return { ok: false, error: fromServerError(e) };
}

export function recipeMember(): RecipeMember {
  const leases = new FakeLeases();
  const { db, store } = memStore(leases);
  const hub = new WatchHub(store);
  hub.run();
  const header: HeaderSource = { clusterId: 1n, memberId: 2n, term: () => 3, revision: () => store.currentRevision() };
  const applied = <T>(r: Result<WriteOutcome<T>>): Result<WriteOutcome<T>> => {
    if (r.ok && r.value.events.length > 0) hub.publish(r.value.events, r.value.revision);
    return r;
  };
  const kv: KvCalls = {
    async range(req) {
      const r = store.range(toRange(req));
      return r.ok ? reply({ header: makeHeader(header, r.value.revision), ...fromRange(r.value) }) : failed(r.error);
    },
    async put(req) {
      const r = applied(store.put(toPut(req)));
      return r.ok ? reply({ header: makeHeader(header, r.value.revision), ...fromPut(r.value.result) }) : failed(r.error);
    },
    async deleteRange(req) {
      const r = applied(store.deleteRange(toDeleteRange(req)));
      return r.ok ? reply({ header: makeHeader(header, r.value.revision), ...fromDeleteRange(r.value.result) }) : failed(r.error);
    },
    async txn(req) {
      const r = applied(store.txn(toTxn(req)));
      return r.ok ? reply({ header: makeHeader(header, r.value.revision), ...fromTxn(r.value.result) }) : failed(r.error);
    },
    async compact() {
      return reply({ header: makeHeader(header) });
    },
  };
  let nextLease = 0x100n;
  const grant = async (): Promise<Reply<{ ID: bigint }>> => {
    const id = nextLease++;
    leases.ids.add(id);
    return reply({ ID: id });
  };
  const auth = new AuthStore(db);
  return {
    client: () => inProcessClient({ header, kv, grant, hub, auth }, new grpc.Metadata()),
    leases,
    revoke(id) {
      leases.ids.delete(id);
      const r = store.revokeLease(id);
      if (r.events.length > 0) hub.publish(r.events, r.revision);
    },
    close() {
      hub.stop();
      db.close();
    },
  };
}
