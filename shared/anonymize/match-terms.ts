import type { Identity } from '../chat/chat.ts';
import { foldRunByCodePoint } from './folded-view.ts';
import {
  identityTraces,
  PART_SEPARATOR_CLASS,
  TRACE_DIGIT_CLASS,
  TRACE_PLURAL_SUFFIX,
  takesPluralSuffix,
  valueParts,
} from './identity-policy.ts';
import { isReservedToken } from './reserved-tokens.ts';

/**
 * What the anonymizer searches for: the traces of each identity that identity-policy.ts names, each
 * a phrase of folded chunks (any run of separators, or none, between two of them) or a single word.
 */
export interface MatchTerm {
  /** Folded pieces of the value; between two of them the text may hold any separators or none. */
  readonly chunks: readonly string[];
  /** The folded value without separators: the same for every spelling the term matches. */
  readonly key: string;
  /**
   * Whether a glued suffix (identity-policy.ts: `s`, digits) goes with a match: true for the
   * user's traces; character names and redaction phrases stay whole words.
   */
  readonly suffixed: boolean;
}

const SEPARATORS = new RegExp(PART_SEPARATOR_CLASS, 'gu');
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const MIN_KEY_LENGTH = 2;
const DIGIT = new RegExp(`^${TRACE_DIGIT_CLASS}$`, 'u');

/** The key of an already folded span: what a match is looked up by to know what replaces it. */
export function foldedKey(folded: string): string {
  return folded.replace(SEPARATORS, '');
}

/** The key of any text. */
export function termKey(text: string): string {
  return foldedKey(foldByCodePoint(text));
}

/**
 * The keys that `key` is a suffixed trace of, if it is one (identity-policy.ts): without a final
 * `s` after a letter, and without each tail of a final digit run (`kitty992` may be `kitty99` plus
 * `2`). What a suffixed match is looked up by.
 */
export function unsuffixedKeys(key: string): string[] {
  const chars = [...key];
  const stems: string[] = [];
  if (chars.at(-1) === TRACE_PLURAL_SUFFIX) {
    const stem = chars.slice(0, -1).join('');
    if (takesPluralSuffix(stem)) stems.push(stem);
  }
  for (let end = chars.length - 1; end > 0 && DIGIT.test(chars[end] ?? ''); end -= 1) {
    stems.push(chars.slice(0, end).join(''));
  }
  return stems;
}

/** The whole value as one phrase, or undefined when it is too short or a placeholder. */
export function phraseTerm(value: string): MatchTerm | undefined {
  if (isReservedToken(value)) return undefined;
  return chunksTerm(valueParts(value, foldByCodePoint), false);
}

/** Every term of one identity, the whole phrase first. */
export function identityTerms(identity: Identity): MatchTerm[] {
  if (isReservedToken(identity.value)) return [];
  const { phrases, words } = identityTraces(identity.kind, identity.value, foldByCodePoint);
  const terms: MatchTerm[] = [];
  const keys = new Set<string>();
  for (const chunks of [...phrases, ...words.map((word) => [word])]) {
    const term = chunksTerm(chunks, true);
    // The whole value decides whether the identity counts at all (too short: no term of it).
    if (term === undefined && terms.length === 0) return [];
    if (term === undefined || keys.has(term.key)) continue;
    keys.add(term.key);
    terms.push(term);
  }
  return terms;
}

function chunksTerm(chunks: readonly string[], suffixed: boolean): MatchTerm | undefined {
  const key = chunks.join('');
  if ([...key].length < MIN_KEY_LENGTH || !LETTER_OR_DIGIT.test(key)) return undefined;
  return { chunks, key, suffixed };
}

/** Folds a value the way the anonymizer folds texts (code point by code point). */
function foldByCodePoint(value: string): string {
  return foldRunByCodePoint(value).toLowerCase();
}
