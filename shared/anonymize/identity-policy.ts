import type { IdentityKind } from '../chat/chat.ts';
import { IGNORABLE_CLASS } from './fold-text.ts';

/**
 * WHAT counts as a trace of an identity. The anonymizer and the audit share this policy and
 * nothing else: they find those traces by different means, so a bug in one is caught by the other.
 *
 * A value is cut into parts: at whitespace, at `_ . - '` (`O'Brien`, `Lee-Marsh`, `zoe_star`) and
 * where a lowercase letter meets an uppercase one (`ZoeStarlight`). A phrase is a list of parts in
 * order; in a text any run of separators, or none, may stand between two of them, so `Sean O'Brien`
 * also covers `Sean OBrien` and `seanobrien`, and `ZoeStarlight` covers `zoe_starlight`.
 *
 * A trace of the user also counts with a suffix glued right after it (see `TRACE_PLURAL_SUFFIX`).
 */

/** Kinds that are personal names: each part that passes `isIdentifyingPart` identifies on its own. */
export const NAME_KINDS: ReadonlySet<IdentityKind> = new Set<IdentityKind>([
  'first-name',
  'display-name',
  'account-name',
  'author-name',
  'persona-name',
  'user-supplied',
]);

/** Fewest letters a part of a name needs to be searched for on its own, in most scripts. */
export const MIN_NAME_PART_LETTERS = 3;
/**
 * In Han, Kana and Hangul one letter carries a syllable or a word: `山田` or `太郎` alone names
 * someone as surely as a three-letter Latin name.
 */
export const MIN_DENSE_SCRIPT_PART_LETTERS = 2;

/**
 * Separators between the parts of a value, in FOLDED text (the fold has already turned no-break,
 * ideographic and full-width spaces into plain ones and every apostrophe into `'`). One source for
 * both sides: the anonymizer puts it in its regex, the audit joins parts with its members.
 */
export const PART_SEPARATOR_CLASS = "[\\p{Z}\\s_.\\p{Pd}']";

/**
 * An identity trace (a phrase or a part of a name) glued to a plural or possessive `s` is still the
 * trace (`Zoes house`, `Starlings`), but only after a trace that ends with a letter: a digit run
 * plus `s` is a count (`99s`). Any other letter makes another name (`Zoey`, `Annabelle`, `Willow`).
 * The whole, suffix included, is the trace. Only the user's traces take suffixes: character names
 * and redaction phrases stay whole words. In FOLDED text, where `ꜱ`, `ſ` or `ｓ` are already `s`.
 */
export const TRACE_PLURAL_SUFFIX = 's';
/**
 * A run of decimal digits glued to an identity trace is part of it (`zoe2`, `Zoe99`,
 * `zoe_starlight2`): such digits name an alt account as surely as the name. Any script's digits,
 * since the fold leaves Arabic-Indic or Devanagari digits as they are. A regex class (`u` or `v`).
 */
export const TRACE_DIGIT_CLASS = '\\p{Nd}';

/** True when a folded trace may take `TRACE_PLURAL_SUFFIX`: it ends with a letter. */
export function takesPluralSuffix(foldedTrace: string): boolean {
  return ENDS_WITH_LETTER.test(foldedTrace);
}

const WHITESPACE_RUN = /[\p{Z}\s]+/u;
const PART_SEPARATOR_RUN = new RegExp(`${PART_SEPARATOR_CLASS}+`, 'u');
const NOT_WORD = /[^\p{L}\p{N}]+/u;
const LETTER = /\p{L}/gu;
const DENSE_SCRIPT_LETTER = /(?=\p{L})[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/gu;
/**
 * A lowercase letter (with its marks and anything else the fold drops) right before an uppercase
 * one: `Zoe|Starlight`.
 */
const CAMEL_BOUNDARY = new RegExp(`(\\p{Ll}${IGNORABLE_CLASS}*)(?=[\\p{Lu}\\p{Lt}])`, 'gu');
/** The camel-case cut is marked with a separator before folding lowercases the value away. */
const CAMEL_MARK = '_';
const TRAILING_DIGITS = /\p{N}+$/u;
const ENDS_WITH_LETTER = /\p{L}$/u;

/** What a value is searched for as, folded with the caller's fold. */
export interface IdentityTraces {
  /** Phrases, the whole value first; each is its parts in order. */
  readonly phrases: readonly (readonly string[])[];
  /** Parts of a name that identify on their own. */
  readonly words: readonly string[];
}

/** True for a folded part that identifies on its own when it is part of a name. */
export function isIdentifyingPart(part: string): boolean {
  const letters = part.match(LETTER)?.length ?? 0;
  if (letters >= MIN_NAME_PART_LETTERS) return true;
  // Only a part written wholly in those scripts: `Li` or `A山` stay below the bar.
  return letters >= MIN_DENSE_SCRIPT_PART_LETTERS && part.match(DENSE_SCRIPT_LETTER)?.length === letters;
}

/** The parts of a value (redaction phrases and character names too), folded with `fold`. */
export function valueParts(value: string, fold: (text: string) => string): string[] {
  return splitParts(foldMarked(value, fold));
}

/**
 * Every trace of one identity: the whole value; for usernames, the value without a trailing digit
 * run when what stays has two parts or more (`zoe_starlight99` -> `zoe_starlight`, but not
 * `kitty99` -> `kitty`, a plain word); for names, each whitespace-separated word that has parts of
 * its own (`O'Brien` as `OBrien`), and each part that passes `isIdentifyingPart`.
 */
export function identityTraces(
  kind: IdentityKind,
  value: string,
  fold: (text: string) => string,
): IdentityTraces {
  const folded = foldMarked(value, fold);
  const whole = splitParts(folded);
  const phrases: string[][] = [whole];
  const words: string[] = [];
  if (kind === 'username') {
    const last = whole.at(-1) ?? '';
    const stem = last.replace(TRAILING_DIGITS, '');
    if (whole.length >= 2 && stem !== last && ENDS_WITH_LETTER.test(stem)) {
      phrases.push([...whole.slice(0, -1), stem]);
    }
  }
  if (!NAME_KINDS.has(kind)) return { phrases, words };
  for (const token of folded.split(WHITESPACE_RUN)) {
    const parts = splitParts(token);
    if (parts.length >= 2 && parts.length < whole.length && isIdentifyingPart(parts.join(''))) {
      phrases.push(parts);
    }
    for (const part of parts) {
      for (const word of part.split(NOT_WORD)) {
        if (isIdentifyingPart(word)) words.push(word);
      }
    }
  }
  return { phrases, words };
}

function foldMarked(value: string, fold: (text: string) => string): string {
  return fold(value.trim().replace(CAMEL_BOUNDARY, `$1${CAMEL_MARK}`));
}

function splitParts(folded: string): string[] {
  return folded.split(PART_SEPARATOR_RUN).filter((part) => part !== '');
}
