/** A fresh id for a local character, chat or message: random, so it says nothing about its content. */
export function newLocalId(): string {
  return crypto.randomUUID();
}
