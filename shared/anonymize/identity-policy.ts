import type { IdentityKind } from '../chat/chat.ts';

/**
 * WHAT counts as a trace of an identity. The anonymizer and the audit share this policy and
 * nothing else: they find those traces by different means, so a bug in one is caught by the other.
 */

/** Kinds that are personal names: each word of 3+ letters identifies on its own (a first name, a surname). */
export const NAME_KINDS: ReadonlySet<IdentityKind> = new Set<IdentityKind>([
  'first-name',
  'display-name',
  'account-name',
  'author-name',
  'persona-name',
  'user-supplied',
]);

/** Fewest letters a word of a name needs to be searched for on its own. */
export const MIN_NAME_PART_LETTERS = 3;
