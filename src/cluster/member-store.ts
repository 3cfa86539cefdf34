import type Database from 'better-sqlite3';
import type { ConfState } from '../raft/index.js';

// The cluster's membership as the applied log defines it, stored with the state it belongs to, so
// a snapshot carries it and a restart finds it as of the applied index.

export interface Member {
  id: bigint;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

interface Row {
  id: bigint;
  name: string;
  peer_urls: string;
  client_urls: string;
  is_learner: bigint;
}

export class MemberStore {
  private members = new Map<bigint, Member>();
  private removedIds = new Set<bigint>();
  private readonly upsert: Database.Statement<[bigint, string, string, string, number]>;
  private readonly remove: Database.Statement<[bigint]>;
  private readonly markRemoved: Database.Statement<[bigint]>;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS members (id INTEGER PRIMARY KEY, name TEXT NOT NULL, peer_urls TEXT NOT NULL, client_urls TEXT NOT NULL, is_learner INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS removed_members (id INTEGER PRIMARY KEY);
    `);
    this.upsert = db.prepare('INSERT OR REPLACE INTO members (id, name, peer_urls, client_urls, is_learner) VALUES (?, ?, ?, ?, ?)');
    this.remove = db.prepare('DELETE FROM members WHERE id = ?');
    this.markRemoved = db.prepare('INSERT OR IGNORE INTO removed_members (id) VALUES (?)');
    this.reload();
  }

  /** Re-reads the tables, e.g. after a snapshot replaced them. */
  reload(): void {
    const rows = this.db.prepare('SELECT id, name, peer_urls, client_urls, is_learner FROM members').safeIntegers(true).all() as Row[];
    this.members = new Map(
      rows.map((r) => {
        const id = BigInt.asUintN(64, r.id);
        const m: Member = {
          id,
          name: r.name,
          peerUrls: JSON.parse(r.peer_urls) as string[],
          clientUrls: JSON.parse(r.client_urls) as string[],
          isLearner: r.is_learner !== 0n,
        };
        return [id, m];
      }),
    );
    const removed = this.db.prepare('SELECT id FROM removed_members').safeIntegers(true).all() as { id: bigint }[];
    this.removedIds = new Set(removed.map((r) => BigInt.asUintN(64, r.id)));
  }

  list(): Member[] {
    return [...this.members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: bigint): Member | undefined {
    return this.members.get(id);
  }

  isRemoved(id: bigint): boolean {
    return this.removedIds.has(id);
  }

  confState(): ConfState {
    const voters: bigint[] = [];
    const learners: bigint[] = [];
    for (const m of this.list()) (m.isLearner ? learners : voters).push(m.id);
    return { voters, learners };
  }

  /** Adds or replaces a member. Runs inside the apply transaction. */
  put(m: Member): void {
    this.upsert.run(BigInt.asIntN(64, m.id), m.name, JSON.stringify(m.peerUrls), JSON.stringify(m.clientUrls), m.isLearner ? 1 : 0);
    this.members.set(m.id, { ...m, peerUrls: [...m.peerUrls], clientUrls: [...m.clientUrls] });
  }

  delete(id: bigint): void {
    this.remove.run(BigInt.asIntN(64, id));
    this.markRemoved.run(BigInt.asIntN(64, id));
    this.members.delete(id);
    this.removedIds.add(id);
  }
}
