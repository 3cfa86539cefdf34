// Read-your-writes on a member that may not have applied the console's own write yet: console reads
// are serializable (served by this member alone), so a read right after a write is retried, a few
// times, until the member has reached the write's revision.

const TRIES = 20;
const PAUSE_MS = 100;

export async function readAtLeast<T>(read: () => Promise<T>, revisionOf: (t: T) => number, minRevision: number): Promise<T> {
  let last = await read();
  for (let i = 1; i < TRIES && revisionOf(last) < minRevision; i++) {
    await new Promise((r) => setTimeout(r, PAUSE_MS));
    last = await read();
  }
  return last;
}

/** The revision in a gateway answer's header (int64 as a string). */
export function headerRevision(r: { header?: { revision?: string } }): number {
  return Number(r.header?.revision ?? '0');
}
