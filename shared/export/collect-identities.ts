import type { Chat, Identity } from '../chat/chat.ts';
import { identityOf, uniqueIdentities } from '../chat/identities.ts';

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
  const all = [
    ...chats.flatMap((chat) => chat.identities),
    ...accountIdentities,
    ...userSupplied.map((value): Identity => ({ kind: 'user-supplied', value })),
  ];
  return uniqueIdentities(all.flatMap((identity) => identityOf(identity.kind, identity.value)));
}
