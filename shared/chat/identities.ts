import type { Identity, IdentityKind } from '../chat/chat.ts';
import { isRedactionToken } from './redaction-token.ts';

/**
 * The identity for a site field, as a list of zero or one: empty, missing and already-redacted
 * values name nobody. Numeric ids (legacy user ids) become strings.
 */
export function identityOf(kind: IdentityKind, value: string | number | null | undefined): Identity[] {
  if (value === null || value === undefined) return [];
  const text = String(value).trim();
  if (text === '' || isRedactionToken(text)) return [];
  return [{ kind, value: text }];
}

/** Identities deduplicated by kind and value, first occurrence kept, order otherwise unchanged. */
export function uniqueIdentities(identities: readonly Identity[]): Identity[] {
  const seen = new Set<string>();
  const unique: Identity[] = [];
  for (const identity of identities) {
    const key = `${identity.kind}\u0000${identity.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(identity);
  }
  return unique;
}
