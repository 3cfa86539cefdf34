import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RequestWindow, WINDOW_ENTRIES } from './request-window.js';

describe('request window', () => {
  it('knows the IDs applied within the window, and forgets older ones', () => {
    const w = new RequestWindow(new Database(':memory:'));
    w.load(0);
    w.note(7n, 10);
    expect(w.has(7n)).toBe(true);
    expect(w.has(8n)).toBe(false);
    w.note(8n, 10 + WINDOW_ENTRIES);
    expect(w.has(7n)).toBe(true);
    w.note(9n, 11 + WINDOW_ENTRIES);
    expect(w.has(7n)).toBe(false);
    expect(w.has(8n)).toBe(true);
  });

  it('is rebuilt from the database as of the applied index', () => {
    const db = new Database(':memory:');
    const w = new RequestWindow(db);
    w.load(0);
    w.note(1n, 5);
    w.note(0xffff_0000_0000_0001n, 6); // IDs use all 64 bits
    w.flush(6);
    w.note(3n, 7); // applied but not flushed: not in the database
    const again = new RequestWindow(db);
    again.load(6);
    expect(again.has(1n)).toBe(true);
    expect(again.has(0xffff_0000_0000_0001n)).toBe(true);
    expect(again.has(3n)).toBe(false);
    again.load(6 + WINDOW_ENTRIES);
    expect(again.has(1n)).toBe(false);
    expect(again.has(0xffff_0000_0000_0001n)).toBe(true);
  });

  it('drops whole rows that fell out of the window', () => {
    const db = new Database(':memory:');
    const w = new RequestWindow(db);
    w.load(0);
    w.note(1n, 1);
    w.flush(1);
    w.note(2n, 2 + WINDOW_ENTRIES);
    w.flush(2 + WINDOW_ENTRIES);
    expect(db.prepare('SELECT last_index FROM request_window').pluck().all()).toEqual([2 + WINDOW_ENTRIES]);
  });
});
