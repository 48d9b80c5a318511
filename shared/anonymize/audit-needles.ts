import type { Identity, IdentityKind } from '../chat/chat.ts';
import { foldText } from './fold-text.ts';
import { MIN_NAME_PART_LETTERS, NAME_KINDS } from './identity-policy.ts';
import { isReservedToken } from './reserved-tokens.ts';
import { isBlockingWordChar } from './word-boundary.ts';

/**
 * What the audit searches for, built on its own from the identities (it shares the fold with the
 * anonymizer, not the anonymizer's terms or regex): each identity folded, its parts joined by each
 * common separator and by none, and for names each word of three or more letters.
 */
export interface AuditNeedle {
  /** Folded text to find with indexOf. */
  readonly text: string;
  /** What the needle stands for; findings report this, never the text. */
  readonly kind: IdentityKind | 'redaction';
  /** Whether the characters next to a hit must not be word characters. */
  readonly checkLeft: boolean;
  readonly checkRight: boolean;
}

const PART_SEPARATORS = /[\s_.\p{Pd}]+/u;
const NOT_WORD = /[^\p{L}\p{N}]+/u;
const LETTERS = /\p{L}/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const JOINERS = [' ', '_', '-', '.', ''];

export function auditNeedles(identities: readonly Identity[], redactions: readonly string[]): AuditNeedle[] {
  const needles = new Map<string, AuditNeedle>();
  const add = (text: string, kind: AuditNeedle['kind']): void => {
    if (needles.has(text)) return;
    const chars = [...text];
    const first = chars[0];
    const last = chars.at(-1);
    if (first === undefined || last === undefined) return;
    needles.set(text, {
      text,
      kind,
      checkLeft: isBlockingWordChar(first),
      checkRight: isBlockingWordChar(last),
    });
  };
  for (const identity of identities) {
    if (isReservedToken(identity.value)) continue;
    const folded = foldText(identity.value.trim());
    for (const variant of separatorVariants(folded)) add(variant, identity.kind);
    if (!NAME_KINDS.has(identity.kind)) continue;
    for (const word of folded.split(NOT_WORD)) {
      if ((word.match(LETTERS)?.length ?? 0) >= MIN_NAME_PART_LETTERS) add(word, identity.kind);
    }
  }
  for (const phrase of redactions) {
    if (isReservedToken(phrase)) continue;
    for (const variant of separatorVariants(foldText(phrase.trim()))) add(variant, 'redaction');
  }
  return [...needles.values()];
}

/** `zoe_star99` -> `zoe star99`, `zoe_star99`, `zoe-star99`, `zoe.star99`, `zoestar99`. */
function separatorVariants(folded: string): string[] {
  const parts = folded.split(PART_SEPARATORS).filter((part) => part !== '');
  const joined = parts.join('');
  if ([...joined].length < 2 || !LETTER_OR_DIGIT.test(joined)) return [];
  return parts.length === 1 ? [joined] : JOINERS.map((joiner) => parts.join(joiner));
}
