// The checks behind /livez and /readyz, named and ordered as etcd 3.5 names them: live while the
// store answers a serializable read; ready when, in addition, no CORRUPT alarm is raised and a
// linearizable read goes through (a leader is known and this member has caught up).
import { fromServerError } from '../api/errors.js';
import type { Probes, ProbeCheck } from '../api/http/probes.js';
import type { MvccStore } from '../mvcc/store.js';
import type { Alarms } from '../server/alarms.js';
import type { ReadGate } from '../server/read-barrier.js';

export interface ProbeDeps {
  store: Pick<MvccStore, 'range'>;
  alarms: Pick<Alarms, 'has'>;
  gate: ReadGate;
}

const ONE_KEY = {
  key: Buffer.from('health'),
  rangeEnd: Buffer.alloc(0),
  limit: 1,
  revision: 0,
  sortOrder: 'none',
  sortTarget: 'key',
  keysOnly: true,
  countOnly: false,
  minModRevision: 0,
  maxModRevision: 0,
  minCreateRevision: 0,
  maxCreateRevision: 0,
} as const;

export function memberProbes(d: ProbeDeps): Probes {
  const serializableRead: ProbeCheck = {
    name: 'serializable_read',
    run: () => {
      const r = d.store.range({ ...ONE_KEY });
      return Promise.resolve(r.ok ? undefined : r.error.kind);
    },
  };
  const dataCorruption: ProbeCheck = {
    name: 'data_corruption',
    run: () => Promise.resolve(d.alarms.has('CORRUPT') ? 'alarm activated: CORRUPT' : undefined),
  };
  const linearizableRead: ProbeCheck = {
    name: 'linearizable_read',
    run: async () => {
      const r = await d.gate.wait();
      return r.ok ? undefined : fromServerError(r.error).message;
    },
  };
  return { livez: [serializableRead], readyz: [dataCorruption, serializableRead, linearizableRead] };
}
