// Output of `snapshot status`.
import { humanizeBytes } from './humanize.js';
import { structJson } from './json.js';
import { renderTable } from './table.js';

export interface SnapshotStatus {
  /** CRC-32C of the database part of the file. */
  hash: number;
  revision: number;
  totalKey: number;
  /** Size of the database part in bytes. */
  totalSize: number;
}

export function snapshotStatusOutput(s: SnapshotStatus, format: 'simple' | 'json' | 'table'): string {
  if (format === 'json') {
    return `${structJson({ hash: s.hash, revision: s.revision, totalKey: s.totalKey, totalSize: s.totalSize })}\n`;
  }
  const row = [s.hash.toString(16), String(s.revision), String(s.totalKey), humanizeBytes(s.totalSize)];
  if (format === 'table') return renderTable(['HASH', 'REVISION', 'TOTAL KEYS', 'TOTAL SIZE'], [row]);
  return `${row.join(', ')}\n`;
}
