import type { Identity, IdentityKind } from '../chat/chat.ts';
import { foldText } from './fold-text.ts';
import { identityTraces, takesPluralSuffix, valueParts } from './identity-policy.ts';
import { isReservedToken } from './reserved-tokens.ts';
import { isBlockingWordChar } from './word-boundary.ts';

/**
 * What the audit searches for, built on its own from the identities (it shares the fold with the
 * anonymizer, not the anonymizer's terms or regex): each identity folded, its parts joined by each
 * common separator and by none and as written, and the other traces identity-policy.ts names.
 */
export interface AuditNeedle {
  /** Folded text to find with indexOf. */
  readonly text: string;
  /** What the needle stands for; findings report this, never the text. */
  readonly kind: IdentityKind | 'redaction';
  /** Whether the characters next to a hit must not be word characters. */
  readonly checkLeft: boolean;
  readonly checkRight: boolean;
  /**
   * Whether a hit glued to a digit run, or to a plural `s`, on its right still counts
   * (identity-policy.ts): the user's traces only, and only those with a right-hand boundary.
   */
  readonly takesDigits: boolean;
  readonly takesPluralS: boolean;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const WHITESPACE_RUN = /[\p{Z}\s]+/gu;
/** Each common separator, and none; the value as written is added apart (`o'brien`). */
const JOINERS = [' ', '_', '-', '.', ''];

export function auditNeedles(identities: readonly Identity[], redactions: readonly string[]): AuditNeedle[] {
  const needles = new Map<string, AuditNeedle>();
  const add = (text: string, kind: AuditNeedle['kind']): void => {
    if (needles.has(text)) return;
    const chars = [...text];
    const first = chars[0];
    const last = chars.at(-1);
    if (first === undefined || last === undefined) return;
    const checkRight = isBlockingWordChar(last);
    const suffixed = checkRight && kind !== 'redaction';
    needles.set(text, {
      text,
      kind,
      checkLeft: isBlockingWordChar(first),
      checkRight,
      takesDigits: suffixed,
      takesPluralS: suffixed && takesPluralSuffix(text),
    });
  };
  for (const identity of identities) {
    if (isReservedToken(identity.value)) continue;
    const { phrases, words } = identityTraces(identity.kind, identity.value, foldText);
    const [whole, ...others] = phrases;
    // The whole value decides whether the identity counts at all (too short: nothing of it).
    if (whole === undefined || !isNeedle(whole)) continue;
    for (const variant of separatorVariants(whole)) add(variant, identity.kind);
    add(writtenAs(identity.value), identity.kind);
    for (const parts of others) {
      for (const variant of separatorVariants(parts)) add(variant, identity.kind);
    }
    for (const word of words) add(word, identity.kind);
  }
  for (const phrase of redactions) {
    if (isReservedToken(phrase)) continue;
    const parts = valueParts(phrase, foldText);
    if (!isNeedle(parts)) continue;
    for (const variant of separatorVariants(parts)) add(variant, 'redaction');
    add(writtenAs(phrase), 'redaction');
  }
  return [...needles.values()];
}

function isNeedle(parts: readonly string[]): boolean {
  const joined = parts.join('');
  return [...joined].length >= 2 && LETTER_OR_DIGIT.test(joined);
}

/** The value folded as it is written, spaces made single. */
function writtenAs(value: string): string {
  return foldText(value.trim()).replace(WHITESPACE_RUN, ' ');
}

/** `[zoe, star99]` -> `zoe star99`, `zoe_star99`, `zoe-star99`, `zoe.star99`, `zoestar99`. */
function separatorVariants(parts: readonly string[]): string[] {
  if (!isNeedle(parts)) return [];
  return parts.length === 1 ? [parts.join('')] : JOINERS.map((joiner) => parts.join(joiner));
}
