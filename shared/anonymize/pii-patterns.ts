import { PLACEHOLDERS } from '../chat/placeholders.ts';

/**
 * Personal data that is not a name: emails, phone numbers, URLs, IP addresses, payment cards and
 * social handles. One combined regex finds candidates in a single scan; a candidate is then
 * checked (Luhn for cards, digit counts and date/number shapes for phones) before it is replaced.
 * The anonymizer scrubs with it and the audit re-checks its output with the same rules.
 */

export type PiiKind = 'email' | 'phone' | 'url' | 'ip' | 'card' | 'handle';

const WORD = '\\p{L}\\p{N}_';
const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const HEX_GROUP = '[0-9A-Fa-f]{1,4}';
const URL_TAIL = '[^\\s<>"\'`]*';

type CandidateName = PiiKind | 'bareUrl';

/** A text without any of these holds no pattern at all: one scan settles most chat messages. */
const ANY_PII_HINT = /[\d@/:]|[wW]{3}\./;
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
    gate: (text) => text.includes('@'),
    alternatives: [
      [
        'email',
        `(?<![${WORD}.%+-])[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.\\p{L}{2,24}(?![${WORD}-])`,
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
    // Every candidate here starts with a digit, `+` or `(`: the lookahead rejects other positions
    // with one test before any lookbehind runs.
    gate: (text) => DIGIT.test(text),
    prefix: '(?=[\\d+(])',
    alternatives: [
      ['ip', `(?<![${WORD}.])(?:${IPV4_OCTET}\\.){3}${IPV4_OCTET}(?![${WORD}]|\\.\\d)`],
      ['card', `(?<![${WORD}.,-])\\d(?:[ -]?\\d){12,18}(?![${WORD}]|[ -]?\\d)`],
      [
        'phone',
        `(?<![${WORD}+.,/:-])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,5}\\)[ .-]?)?\\d{1,15}(?:[ .-]\\d{1,15}){0,5}(?![${WORD}]|[.,:/-]?\\d)`,
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
  if (!ANY_PII_HINT.test(text)) return text;
  let current = text;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const next = scrubOnce(current, keepHandle, onFound);
    if (next === current) break;
    current = next;
  }
  return current;
}

function scrubOnce(
  text: string,
  keepHandle: ((handle: string) => boolean) | undefined,
  onFound?: (kind: PiiKind) => void,
): string {
  let current = text;
  for (const { gate, regex } of COMPILED_PASSES) {
    if (!gate(current)) continue;
    let out = '';
    let copied = 0;
    for (const match of current.matchAll(regex)) {
      const verdict = match.groups === undefined ? undefined : judge(match.groups);
      if (verdict === undefined) continue;
      if (verdict.kind === 'handle' && keepHandle?.(match[0].slice(1)) === true) continue;
      onFound?.(verdict.kind);
      out += current.slice(copied, match.index) + verdict.replacement;
      copied = match.index + match[0].length;
    }
    if (copied > 0) current = out + current.slice(copied);
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
