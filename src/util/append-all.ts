/**
 * Appends `items` to `target` one by one. `target.push(...items)` passes every item as an argument
 * on the stack, and throws RangeError past roughly 100,000 of them: a DeleteRange or Txn touching
 * that many keys would then fail to apply on every member alike, and again after each restart.
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
