import { PLACEHOLDERS } from '../chat/placeholders.ts';
import { type PiiView, piiView } from './pii-view.ts';

/**
 * Personal data that is not a name: emails, phone numbers, URLs, IP addresses, payment cards and
 * social handles (`@name`, Discord's `name#1234`). One combined regex finds candidates in a single
 * scan; a candidate is then checked (Luhn for cards, digit counts and date/number shapes for phones)
 * before it is replaced. The anonymizer scrubs with it and the audit re-checks its output with the
 * same rules. The patterns read the text through `piiView`: digits of any script and full-width
 * forms count as their ASCII selves (`５５５-０１４２`, `zoe＠mail.com`).
 */

export type PiiKind = 'email' | 'phone' | 'url' | 'ip' | 'card' | 'handle';

const WORD = '\\p{L}\\p{N}_';
/** 0-255, zero-padded too (`192.168.001.001`). */
const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|[01]\\d\\d|\\d\\d?)';
const HEX_GROUP = '[0-9A-Fa-f]{1,4}';
const URL_TAIL = '[^\\s<>"\'`]*';
/** Between the groups of a phone number: space, dot, any dash (`555–867–5309`) or slash (`030/1234567`). */
const PHONE_SEPARATOR = '[ .\\p{Pd}/]';
/** `@` with spaces on both sides (`ask @some.one` is a handle), or written out: `(at)`, `[at]`. */
const EMAIL_AT = '(?:[ \\t]+@[ \\t]+|[ \\t]*[(\\[][ \\t]*[aA][tT][ \\t]*[)\\]][ \\t]*)';
/** `.`, or written out: `(dot)`, `[dot]`. */
const EMAIL_DOT = '(?:\\.|[ \\t]*[(\\[][ \\t]*[dD][oO][tT][ \\t]*[)\\]][ \\t]*)';

type CandidateName = PiiKind | 'bareUrl' | 'tag';

/** A text without any of these holds no pattern at all: one scan settles most chat messages. */
/**
 * Every text goes through this scan, so it stays a short class: each extra range (`)`, `]`, the
 * no-break space) slowed it by half. Beyond ASCII it lets through whatever the view may fold
 * (pii-view.ts: digits of other scripts, full-width forms); the view is then checked again.
 */
const ANY_PII_HINT = /[\d@/:\u0660-\uffff]|[wW]{3}\./;
const ANY_PII_HINT_FOLDED = /[\d@/:]|[wW]{3}\./;
/** A written-out `(at)` / `[at]`, looked for only in texts with a closing bracket (a fast search). */
const WRITTEN_AT = /[aA][tT]\s*[)\]]/;
const WWW = /[wW]{3}\./;
const DIGIT = /\d/;
/** Each round that changes something removes a candidate, so this is never reached in practice. */
const MAX_ROUNDS = 8;

/**
 * The patterns in passes, each run only on texts that hold the character it cannot do without (most
 * chat messages hold none of `/`, `@` or a digit, and skip everything). Within a pass, candidates
 * that start at the same position are tried in the order listed. The passes run in order, on the
 * previous pass's output: URLs before emails (`https://user@host/`), emails before handles and
 * digits (`zoe99@mail.com`).
 */
const PASSES: readonly {
  gate: (text: string) => boolean;
  prefix?: string;
  alternatives: readonly (readonly [CandidateName, string])[];
}[] = [
  {
    gate: (text) => text.includes('/') || WWW.test(text),
    alternatives: [
      ['url', `(?<![${WORD}])(?:[hH][tT][tT][pP][sS]?|[fF][tT][pP]):\\/\\/[^\\s<>"'\`]+`],
      ['url', `(?<![${WORD}.@-])[wW]{3}\\.[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+(?:[/?#]${URL_TAIL})?`],
      // A bare domain counts only with a path (`instagram.com/someone`): `e.g.` or `Mr.Smith` are not URLs.
      [
        'bareUrl',
        `(?<![${WORD}.@/-])[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.\\p{L}{2,24}(?::\\d{1,5})?\\/${URL_TAIL}`,
      ],
    ],
  },
  {
    gate: (text) => text.includes('@') || hasWrittenAt(text),
    alternatives: [
      [
        'email',
        `(?<![${WORD}.%+-])[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.\\p{L}{2,24}(?![${WORD}-])`,
      ],
      // Spelled so that scrapers miss it: `kitty99 @ gmail.com`, `kitty99 (at) gmail (dot) com`.
      [
        'email',
        `(?<![${WORD}.%+-])[\\p{L}\\p{N}._%+-]+${EMAIL_AT}[\\p{L}\\p{N}-]+(?:${EMAIL_DOT}[\\p{L}\\p{N}-]+)*${EMAIL_DOT}\\p{L}{2,24}(?![${WORD}-])`,
      ],
      // A handle right after a placeholder (`[CARD]@x`) was glued to the replaced text: not a handle.
      // Marks and zero-width characters inside a handle belong to it (`@Zoe\u0301`); a handle that runs
      // on into another `@` is the start of an email (`@ann-5@b.io`), left to the email pattern.
      [
        'handle',
        `(?<![${WORD}.+\\]}-])@[${WORD}](?:[${WORD}.\\p{M}\\p{Cf}]*[${WORD}\\p{M}])?(?![\\p{L}\\p{N}._%+-]*@)`,
      ],
    ],
  },
  {
    // A Discord tag: a name, `#` and four digits. `#1` or `#hashtag` are not tags.
    gate: (text) => text.includes('#'),
    prefix: '(?=[\\p{L}\\p{N}_.])',
    alternatives: [['tag', `(?<![${WORD}.#])[${WORD}.]{2,32}#\\d{4}(?![${WORD}])`]],
  },
  {
    // Every candidate here starts with a digit, `+` or `(`: the lookahead rejects other positions
    // with one test before any lookbehind runs.
    gate: (text) => DIGIT.test(text),
    prefix: '(?=[\\d+(])',
    alternatives: [
      ['ip', `(?<![${WORD}.])(?:${IPV4_OCTET}\\.){3}${IPV4_OCTET}(?![${WORD}]|\\.\\d)`],
      ['card', `(?<![${WORD}.,-])\\d(?:[ -]?\\d){12,18}(?![${WORD}]|[ -]?\\d)`],
      // Dots only in the grouping cards are printed with, so a long decimal is never a card.
      ['card', `(?<![${WORD}.,-])(?:\\d{4}(?:\\.\\d{4}){3}|\\d{4}\\.\\d{6}\\.\\d{5})(?![${WORD}]|\\.?\\d)`],
      [
        'phone',
        `(?<![${WORD}+.,/:\\p{Pd}])(?:\\+\\d{1,3}${PHONE_SEPARATOR}?)?(?:\\(\\d{1,5}\\)${PHONE_SEPARATOR}?)?\\d{1,15}(?:${PHONE_SEPARATOR}\\d{1,15}){0,5}(?![${WORD}]|[.,:/\\p{Pd}]?\\d)`,
      ],
    ],
  },
  {
    gate: (text) => text.includes(':'),
    prefix: '(?=[0-9A-Fa-f:])',
    alternatives: [
      [
        'ip',
        `(?<![${WORD}:.])(?:${HEX_GROUP}(?::${HEX_GROUP}){7}|(?:${HEX_GROUP}(?::${HEX_GROUP}){0,6})?::(?:${HEX_GROUP}(?::${HEX_GROUP}){0,6})?)(?![${WORD}:])`,
      ],
    ],
  },
];

const COMPILED_PASSES = PASSES.map(({ gate, prefix = '', alternatives }) => ({
  gate,
  regex: new RegExp(
    `${prefix}(?:${alternatives.map(([name, source], index) => `(?<${name}${index}>${source})`).join('|')})`,
    'gu',
  ),
}));

const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"’”*_~]+$/u;
const NON_DIGITS = /\D+/g;
const DIGIT_GROUPS = /\d+/g;
const HANDLE_BODY_LETTER = /[\p{L}_]/u;
const HEX_LETTERS_ONLY = /^[^0-9]*$/;

/** Decides whether one candidate is PII, and what replaces it. Undefined: keep the text. */
type Verdict = { kind: PiiKind; replacement: string } | undefined;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Phone numbers: 7 to 15 digits. With `+` or an area code in parentheses the shape is trusted;
 * otherwise the grouping must look like a phone and not like a date (`2023-01-05`), a number with
 * thousands separators (`10.000.000`), a list of years, or a list of small numbers.
 */
export function isPhoneNumber(candidate: string): boolean {
  const digits = candidate.replace(NON_DIGITS, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (candidate.startsWith('+')) return digits.length >= 8;
  const groups = candidate.match(DIGIT_GROUPS) ?? [];
  if (candidate.includes('(')) return true;
  // Slashes mostly separate dates, scores and ratios: only a leading zero area code (`030/1234567`)
  // or the North American 3-3-4 grouping counts.
  if (candidate.includes('/')) return isSlashedPhone(groups);
  if (groups.length === 1) return digits.length >= 10;
  const lengths = groups.map((group) => group.length);
  if (lengths.some((length) => length === 1)) return false;
  if (groups.length === 3 && isDateShape(lengths)) return false;
  const [first = 0, ...rest] = lengths;
  if (first <= 3 && rest.every((length) => length === 3)) return false;
  if (groups.every((group) => group.length === 4 && (group.startsWith('19') || group.startsWith('20'))))
    return false;
  if (lengths.every((length) => length === 2)) return groups[0]?.startsWith('0') === true;
  return true;
}

function hasWrittenAt(text: string): boolean {
  return (text.includes(')') || text.includes(']')) && WRITTEN_AT.test(text);
}

function isSlashedPhone(groups: readonly string[]): boolean {
  const [first = '', second = '', third] = groups;
  if (groups.length === 2)
    return first.startsWith('0') && first.length >= 2 && first.length <= 5 && second.length >= 5;
  return groups.length === 3 && first.length === 3 && second.length === 3 && third?.length === 4;
}

function isDateShape([a = 0, b = 0, c = 0]: readonly number[]): boolean {
  return (a === 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && c === 4);
}

function isIpv6(candidate: string): boolean {
  const groups = candidate.split(':').filter((group) => group !== '');
  if (groups.length === 0) return false;
  if (candidate.includes('::')) {
    if (candidate.indexOf('::') !== candidate.lastIndexOf('::') || groups.length > 7) return false;
  } else if (groups.length !== 8) {
    return false;
  }
  // `cafe::babe` or `a::b` are more likely words than an address.
  return !HEX_LETTERS_ONLY.test(candidate) || groups.length >= 3;
}

function judge(groups: Record<string, string | undefined>): Verdict {
  for (const [key, value] of Object.entries(groups)) {
    if (value === undefined) continue;
    const name = key.replace(/\d+$/, '');
    return judgeCandidate(name, value);
  }
  return undefined;
}

function judgeCandidate(name: string, value: string): Verdict {
  switch (name) {
    case 'url':
    case 'bareUrl': {
      const trailing = TRAILING_PUNCTUATION.exec(value)?.[0] ?? '';
      return { kind: 'url', replacement: PLACEHOLDERS.url + trailing };
    }
    case 'email':
      return { kind: 'email', replacement: PLACEHOLDERS.email };
    case 'ip':
      return value.includes(':') && !isIpv6(value) ? undefined : { kind: 'ip', replacement: PLACEHOLDERS.ip };
    case 'card': {
      const digits = value.replace(NON_DIGITS, '');
      if (luhnValid(digits)) return { kind: 'card', replacement: PLACEHOLDERS.card };
      // Not a card: a long digit run may still be a phone number.
      return isPhoneNumber(value) ? { kind: 'phone', replacement: PLACEHOLDERS.phone } : undefined;
    }
    case 'phone':
      return isPhoneNumber(value) ? { kind: 'phone', replacement: PLACEHOLDERS.phone } : undefined;
    case 'tag':
      return HANDLE_BODY_LETTER.test(value.slice(0, value.indexOf('#')))
        ? { kind: 'handle', replacement: PLACEHOLDERS.redacted }
        : undefined;
    case 'handle':
      return HANDLE_BODY_LETTER.test(value.slice(1))
        ? { kind: 'handle', replacement: PLACEHOLDERS.redacted }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Runs the passes until nothing changes (`onFound` hears about each replacement). A candidate that
 * fails its check hides the text it spans from the rest of its pass (`+555-201-77884111 1111 1111`
 * is too long for a phone); once a neighbour became a placeholder, the next round sees a shorter,
 * valid candidate there. Another round only runs when one changed something, which is rare.
 */
function scrub(
  text: string,
  keepHandle: ((handle: string) => boolean) | undefined,
  onFound?: (kind: PiiKind) => void,
): string {
  // One scan settles most texts; only those it lets through are folded and looked at again.
  if (!ANY_PII_HINT.test(text) && !hasWrittenAt(text)) return text;
  const view = piiView(text);
  if (!ANY_PII_HINT_FOLDED.test(view.text) && !hasWrittenAt(view.text)) return text;
  let current = text;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const next = scrubOnce(current, round === 0 ? view : piiView(current), keepHandle, onFound);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Matches run on the view (`firstView`, of `text`); replacements are made in the original. */
function scrubOnce(
  text: string,
  firstView: PiiView,
  keepHandle: ((handle: string) => boolean) | undefined,
  onFound?: (kind: PiiKind) => void,
): string {
  let current = text;
  let view = firstView;
  for (const { gate, regex } of COMPILED_PASSES) {
    if (!gate(view.text)) continue;
    let out = '';
    let copied = 0;
    for (const match of view.text.matchAll(regex)) {
      const verdict = match.groups === undefined ? undefined : judge(match.groups);
      if (verdict === undefined) continue;
      if (verdict.kind === 'handle' && match[0].startsWith('@') && keepHandle?.(match[0].slice(1)) === true) {
        continue;
      }
      onFound?.(verdict.kind);
      out += current.slice(copied, view.source(match.index)) + verdict.replacement;
      copied = view.source(match.index + match[0].length);
    }
    if (copied > 0) {
      // Placeholders are ASCII: a text that needed no folding still needs none.
      const folding = view.text !== current;
      current = out + current.slice(copied);
      view = folding ? piiView(current) : { text: current, source: (index) => index };
    }
  }
  return current;
}

/**
 * Replaces every PII pattern with its placeholder. `keepHandle` is asked about each `@handle`
 * (without the `@`): handles that are the user's or the character's name are left for the name
 * pass, which turns them into `@{{user}}` / `@{{char}}` instead of `[REDACTED]`.
 */
export function scrubPii(text: string, keepHandle?: (handle: string) => boolean): string {
  return scrub(text, keepHandle);
}

/** The kinds of every PII pattern left in a text, one entry per occurrence (the audit's check). */
export function findPii(text: string): PiiKind[] {
  const found: PiiKind[] = [];
  scrub(text, undefined, (kind) => found.push(kind));
  return found;
}
