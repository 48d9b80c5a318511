import { PART_SEPARATOR_CLASS } from './identity-policy.ts';
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
 */

/** Trie token between two chunks; separators never occur inside a chunk, so it cannot collide. */
const CHUNK_BREAK = ' ';
/** Any run of part separators (identity-policy.ts), or none. */
const SEPARATOR_RUN = `${PART_SEPARATOR_CLASS}*`;

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  terminal: boolean;
}

export function buildTermPattern(terms: readonly MatchTerm[]): string | undefined {
  // Terms that end with a word character need the right-hand boundary; the others (`(ana)`, names
  // in scripts without spaces) must not get it.
  const bounded = newNode();
  const open = newNode();
  for (const term of terms) {
    const last = [...(term.chunks.at(-1) ?? '')].at(-1);
    if (last === undefined) continue;
    insert(isBlockingWordChar(last) ? bounded : open, term);
  }
  const parts: string[] = [];
  if (bounded.children.size > 0) parts.push(`${emit(bounded)}(?!${BLOCKING_WORD_CHAR_CLASS})`);
  if (open.children.size > 0) parts.push(emit(open));
  return parts.length === 0 ? undefined : parts.join('|');
}

function newNode(): TrieNode {
  return { children: new Map(), terminal: false };
}

function insert(root: TrieNode, term: MatchTerm): void {
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
  node.terminal = true;
}

function emit(node: TrieNode): string {
  const alternatives: string[] = [];
  for (const [token, child] of node.children) {
    alternatives.push((token === CHUNK_BREAK ? SEPARATOR_RUN : escapeLiteral(token)) + emit(child));
  }
  // The node's own end comes last, so longer names are tried first.
  if (node.terminal) alternatives.push('');
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
