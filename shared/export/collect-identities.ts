import type { Chat, Identity } from '../chat/chat.ts';

/**
 * Every identity the anonymizer must replace: those each chat revealed, the account-level ones
 * (user info, personas) and the names the user typed in. One list for the whole export, because a
 * username seen in one chat can be typed in another.
 */
export function collectIdentities(
  chats: readonly Chat[],
  accountIdentities: readonly Identity[],
  userSupplied: readonly string[],
): Identity[] {
  const seen = new Map<string, Identity>();
  const add = (identity: Identity) => {
    const value = identity.value.trim();
    if (value === '') return;
    const key = `${identity.kind}\u0000${value}`;
    if (!seen.has(key)) seen.set(key, { kind: identity.kind, value });
  };
  for (const chat of chats) for (const identity of chat.identities) add(identity);
  for (const identity of accountIdentities) add(identity);
  for (const value of userSupplied) add({ kind: 'user-supplied', value });
  return [...seen.values()];
}
