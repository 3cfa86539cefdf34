import type Database from 'better-sqlite3';
import type { AlarmEntry, AlarmType } from './apply-results.js';

// Raised alarms (e.g. NOSPACE when the store outgrows its quota), persisted with the state they guard.
export class Alarms {
  private readonly active: AlarmEntry[] = [];
  private readonly insert: Database.Statement<[bigint, string]>;
  private readonly remove: Database.Statement<[bigint, string]>;

  constructor(private readonly db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS alarms (member_id INTEGER NOT NULL, alarm TEXT NOT NULL, PRIMARY KEY (member_id, alarm))');
    this.insert = db.prepare('INSERT OR IGNORE INTO alarms (member_id, alarm) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM alarms WHERE member_id = ? AND alarm = ?');
    this.reload();
  }

  /** Re-reads the table, e.g. after a snapshot replaced it. */
  reload(): void {
    const rows = this.db.prepare('SELECT member_id, alarm FROM alarms').safeIntegers(true).all() as { member_id: bigint; alarm: string }[];
    this.active.length = 0;
    for (const r of rows) this.active.push({ memberId: BigInt.asUintN(64, r.member_id), alarm: r.alarm as AlarmType });
  }

  list(): AlarmEntry[] {
    return [...this.active];
  }

  has(alarm: AlarmType): boolean {
    return this.active.some((a) => a.alarm === alarm);
  }

  activate(memberId: bigint, alarm: AlarmType): AlarmEntry[] {
    if (!this.active.some((a) => a.memberId === memberId && a.alarm === alarm)) {
      this.insert.run(BigInt.asIntN(64, memberId), alarm);
      this.active.push({ memberId, alarm });
    }
    return [{ memberId, alarm }];
  }

  /** Deactivates matching alarms (memberId 0n matches every member) and returns those removed. */
  deactivate(memberId: bigint, alarm: AlarmType): AlarmEntry[] {
    const removed = this.active.filter((a) => a.alarm === alarm && (memberId === 0n || a.memberId === memberId));
    for (const a of removed) {
      this.remove.run(BigInt.asIntN(64, a.memberId), a.alarm);
      this.active.splice(this.active.indexOf(a), 1);
    }
    return removed;
  }
}
