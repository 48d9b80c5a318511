import type { Identity } from '../chat/chat.ts';
import { foldRunByCodePoint } from './folded-view.ts';
import { MIN_NAME_PART_LETTERS, NAME_KINDS } from './identity-policy.ts';
import { isReservedToken } from './reserved-tokens.ts';

/**
 * What the anonymizer searches for: each identity as a whole phrase (its parts joined by any run of
 * separators, or none) and, for names, each word of three or more letters on its own, because a
 * first name or a surname alone still identifies. Usernames and ids are only replaced whole.
 */
export interface MatchTerm {
  /** Folded pieces of the value; between two of them the text may hold any separators or none. */
  readonly chunks: readonly string[];
  /** The folded value without separators: the same for every spelling the term matches. */
  readonly key: string;
}

/** Spaces, `_`, `.` and dashes: interchangeable between the parts of a name or a username. */
const SEPARATOR_RUN = /[\p{Z}\s_.\p{Pd}]+/u;
const SEPARATORS = /[\p{Z}\s_.\p{Pd}]/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/u;
const LETTER = /\p{L}/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const MIN_KEY_LENGTH = 2;

/** The key of an already folded span: what a match is looked up by to know what replaces it. */
export function foldedKey(folded: string): string {
  return folded.replace(SEPARATORS, '');
}

/** The key of any text. */
export function termKey(text: string): string {
  return foldedKey(foldByCodePoint(text));
}

/** The whole value as one phrase, or undefined when it is too short or a placeholder. */
export function phraseTerm(value: string): MatchTerm | undefined {
  if (isReservedToken(value)) return undefined;
  const chunks = foldByCodePoint(value)
    .split(SEPARATOR_RUN)
    .filter((chunk) => chunk !== '');
  const key = chunks.join('');
  if ([...key].length < MIN_KEY_LENGTH || !LETTER_OR_DIGIT.test(key)) return undefined;
  return { chunks, key };
}

/** Every term of one identity, the whole phrase first. */
export function identityTerms(identity: Identity): MatchTerm[] {
  const phrase = phraseTerm(identity.value);
  if (phrase === undefined) return [];
  const terms: MatchTerm[] = [phrase];
  if (NAME_KINDS.has(identity.kind)) {
    for (const word of foldByCodePoint(identity.value).split(NOT_WORD)) {
      const letters = word.match(LETTER)?.length ?? 0;
      if (letters >= MIN_NAME_PART_LETTERS && word !== phrase.key) terms.push({ chunks: [word], key: word });
    }
  }
  return terms;
}

/** Folds a value the way the anonymizer folds texts (code point by code point). */
function foldByCodePoint(value: string): string {
  return foldRunByCodePoint(value).toLowerCase();
}
