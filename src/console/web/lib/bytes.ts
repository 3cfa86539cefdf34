// Keys and values travel as base64 in the gateway's JSON; the console shows them as text, JSON or hex.

const encoder = new TextEncoder();

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function bytesToB64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

export function b64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export const b64 = (s: string): string => bytesToB64(utf8(s));

/** Lossy text (U+FFFD for bytes that are not UTF-8): for display only. */
export function b64ToText(b64s: string | undefined): string {
  return new TextDecoder().decode(b64ToBytes(b64s ?? ''));
}

export function isUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

export function hexDump(b: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < b.length; off += 16) {
    const row = Array.from(b.subarray(off, off + 16));
    const hex = row.map((x) => x.toString(16).padStart(2, '0')).join(' ');
    const ascii = row.map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

/** etcd's prefix range end: the prefix with its last byte below 0xff incremented; "\0" for the whole keyspace. */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = prefix.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    const x = end[i] ?? 0;
    if (x < 0xff) {
      end[i] = x + 1;
      return end.subarray(0, i + 1);
    }
  }
  return new Uint8Array([0]);
}

/** Byte-wise order, as etcd compares keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
