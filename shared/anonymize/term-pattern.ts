import {
  PART_SEPARATOR_CLASS,
  TRACE_DIGIT_CLASS,
  TRACE_PLURAL_SUFFIX,
  takesPluralSuffix,
} from './identity-policy.ts';
import type { MatchTerm } from './match-terms.ts';
import { BLOCKING_WORD_CHAR_CLASS, isBlockingWordChar } from './word-boundary.ts';

/**
 * One regex source (for the `v` flag) that finds every term at once in FOLDED text (see
 * `foldByCodePoint`): there every spelling of a letter is already one character, so a term is a
 * plain literal and the regex stays small and fast.
 *
 * The terms go into a trie, so the engine follows one branch per position instead of trying every
 * name in turn, and a longer name always wins over its prefix (a branch is tried before the node's
 * own end). Between the chunks of a name any run of separators, or none, may stand.
 *
 * Only the right-hand boundary is in the regex (a failed lookahead backtracks into the trie and
 * tries the shorter names); the left-hand one is checked by the caller on the match, because a
 * leading lookbehind would run at every position of every text.
 *
 * A term that takes suffixes (the user's traces, identity-policy.ts) ends in an optional suffix
 * before that boundary, so `zoes` and `zoe2` match whole and `zoey` still does not match at all.
 */

/** Trie token between two chunks; separators never occur inside a chunk, so it cannot collide. */
const CHUNK_BREAK = ' ';
/** Any run of part separators (identity-policy.ts), or none. */
const SEPARATOR_RUN = `${PART_SEPARATOR_CLASS}*`;
/** After a term that ends with a letter: a plural `s` or a digit run, or nothing. */
const LETTER_FINAL_SUFFIX = `(?:${escapeLiteral(TRACE_PLURAL_SUFFIX)}|${TRACE_DIGIT_CLASS}+)?`;
/** After any other term: a digit run, or nothing. */
const OTHER_SUFFIX = `${TRACE_DIGIT_CLASS}*`;

/** How a term may end at a node: not at all, as a whole word, or also with a suffix. */
type TermEnd = 'none' | 'exact' | 'letter-final-suffix' | 'other-suffix';

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  end: TermEnd;
}

export function buildTermPattern(terms: readonly MatchTerm[]): string | undefined {
  // Terms that end with a word character need the right-hand boundary; the others (`(ana)`, names
  // in scripts without spaces) must not get it.
  const bounded = newNode();
  const open = newNode();
  for (const term of terms) {
    const last = [...(term.chunks.at(-1) ?? '')].at(-1);
    if (last === undefined) continue;
    // Without the boundary a suffix adds nothing: the term already matches inside any word.
    if (isBlockingWordChar(last)) insert(bounded, term, term.suffixed);
    else insert(open, term, false);
  }
  const parts: string[] = [];
  if (bounded.children.size > 0) parts.push(`${emit(bounded)}(?!${BLOCKING_WORD_CHAR_CLASS})`);
  if (open.children.size > 0) parts.push(emit(open));
  return parts.length === 0 ? undefined : parts.join('|');
}

function newNode(): TrieNode {
  return { children: new Map(), end: 'none' };
}

function insert(root: TrieNode, term: MatchTerm, suffixed: boolean): void {
  let node = root;
  term.chunks.forEach((chunk, index) => {
    const tokens = index === 0 ? [...chunk] : [CHUNK_BREAK, ...chunk];
    for (const token of tokens) {
      let child = node.children.get(token);
      if (child === undefined) {
        child = newNode();
        node.children.set(token, child);
      }
      node = child;
    }
  });
  // Terms with the same chunks share a node; one that takes suffixes wins, as the user's name wins
  // over a redaction phrase or a character name with the same key.
  if (suffixed) node.end = takesPluralSuffix(term.key) ? 'letter-final-suffix' : 'other-suffix';
  else if (node.end === 'none') node.end = 'exact';
}

function emit(node: TrieNode): string {
  const alternatives: string[] = [];
  for (const [token, child] of node.children) {
    alternatives.push((token === CHUNK_BREAK ? SEPARATOR_RUN : escapeLiteral(token)) + emit(child));
  }
  // The node's own end comes last, so longer names are tried first.
  if (node.end === 'exact') alternatives.push('');
  else if (node.end === 'letter-final-suffix') alternatives.push(LETTER_FINAL_SUFFIX);
  else if (node.end === 'other-suffix') alternatives.push(OTHER_SUFFIX);
  if (alternatives.length === 1) return alternatives[0] ?? '';
  return `(?:${alternatives.join('|')})`;
}

/** ASCII letters and digits as they are, everything else as `\u{…}`: always literal under `v`. */
export function escapeLiteral(ch: string): string {
  const codePoint = ch.codePointAt(0) ?? 0;
  const isAsciiAlnum =
    (codePoint >= 0x30 && codePoint <= 0x39) ||
    (codePoint >= 0x41 && codePoint <= 0x5a) ||
    (codePoint >= 0x61 && codePoint <= 0x7a);
  return isAsciiAlnum ? ch : `\\u{${codePoint.toString(16)}}`;
}
