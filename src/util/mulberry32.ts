// The one seeded PRNG step shared by the simulator, the chaos harness and
// test schedules: recorded seeds (docs/RAFT.md, docs/RELIABILITY.md) replay
// only while every user draws the same sequence from it.

/** A generator of uniform numbers in [0, 1) from a 32-bit initial state (mulberry32). */
export function mulberry32(initial: number): () => number {
  let state = initial >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
