// Table-driven CRC-32 (reflected, as zlib and Go's hash/crc32 compute it).
// Node 20 has no zlib.crc32, and the store hashes need a stable, portable checksum.

/** CRC-32 with one reflected polynomial; values are unsigned 32-bit numbers. */
export class Crc32 {
  private readonly table: Uint32Array;

  constructor(reflectedPolynomial: number) {
    this.table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (reflectedPolynomial ^ (c >>> 1)) >>> 0 : c >>> 1;
      this.table[n] = c >>> 0;
    }
  }

  /** Continues `crc` (the checksum of the bytes so far; 0 to start) over `data`. */
  update(crc: number, data: Uint8Array): number {
    const t = this.table;
    let c = ~crc >>> 0;
    for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
    return ~c >>> 0;
  }

  checksum(data: Uint8Array): number {
    return this.update(0, data);
  }
}

/** IEEE 802.3 polynomial (zlib, PNG, Go's crc32.IEEE). */
export const crc32Ieee = new Crc32(0xedb88320);
/** Castagnoli polynomial: what etcd uses for its backend and HashKV checksums. */
export const crc32c = new Crc32(0x82f63b78);
