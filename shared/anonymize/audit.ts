import { type AnonChat, anonChatSchema } from '../chat/anon-chat.ts';
import type { Identity, IdentityKind } from '../chat/chat.ts';
import { PygboxError } from '../errors/pygbox-error.ts';
import { type AuditNeedle, auditNeedles } from './audit-needles.ts';
import { type AuditedChats, sealAudited } from './audited-chats.ts';
import { foldText, hasLetterSymbol, LETTER_SYMBOL_RUN } from './fold-text.ts';
import { TRACE_DIGIT_CLASS, TRACE_PLURAL_SUFFIX } from './identity-policy.ts';
import { findPii, type PiiKind } from './pii-patterns.ts';
import { codePointAt, codePointBefore, isBlockingWordChar } from './word-boundary.ts';

/**
 * The audit: a second, independent look at anonymized chats before anything leaves the machine.
 * It folds every string field, searches it for every identity with plain string search and checks
 * whole-word boundaries itself, re-runs the PII patterns and validates the strict schema (a stray
 * id or avatar field is a finding). It fails closed: any finding stops the export.
 *
 * Findings name places (chat index and key, field path) and kinds, never the text found: the
 * error may be shown, logged or reported, and must not leak what it guards.
 */

export interface AuditOptions {
  identities: readonly Identity[];
  redactions?: readonly string[];
}

export type AuditFinding =
  | (FindingPlace & { kind: 'identity'; identityKind: IdentityKind })
  | (FindingPlace & { kind: 'redaction' })
  | (FindingPlace & { kind: 'pii'; piiKind: PiiKind })
  | (FindingPlace & { kind: 'schema'; issue: string });

interface FindingPlace {
  chatIndex: number;
  /** The chat's key when it has a readable one. */
  chatKey: string | undefined;
  /** Full path, e.g. `chats[3].messages[2].swipes[0]`. */
  field: string;
}

/** How many findings the error message lists; the count covers all. */
const MAX_REPORTED = 20;
const HINT = 'add the name to the redaction list or remove the message, then export again';
const FOLDED_PLACEHOLDER = /\{\{(?:user|char)\}\}|\[(?:email|phone|url|ip|card|redacted)\]/g;
/** Stands for a placeholder in folded text: not a word character, not a separator. */
const PLACEHOLDER_MARK = '\u0001';
const DIGIT = new RegExp(`^${TRACE_DIGIT_CLASS}$`, 'u');

/** Every finding, without throwing (for a preview that shows what would stop the export). */
export function findAuditFindings(chats: readonly AnonChat[], options: AuditOptions): AuditFinding[] {
  const needles = needleSet(auditNeedles(options.identities, options.redactions ?? []));
  const findings: AuditFinding[] = [];
  chats.forEach((chat, chatIndex) => {
    // Quoted in the error only when it is a real content key: a damaged chat's `key` may hold
    // anything (a name, a phone number), and the error may be shown, logged or sent back.
    const chatKey = anonChatSchema.shape.key.safeParse(chat.key).success ? chat.key : undefined;
    const base = `chats[${chatIndex}]`;
    const parsed = anonChatSchema.safeParse(chat);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        for (const key of keys) {
          const path = key === undefined ? issue.path : [...issue.path, key];
          findings.push({
            chatIndex,
            chatKey,
            field: base + pathText(path),
            kind: 'schema',
            issue: issue.code,
          });
        }
      }
    }
    const scan = (field: string, text: string): void => {
      const found = needlesIn(text, needles);
      const pii = findPii(text);
      if (found.length === 0 && pii.length === 0) return;
      const place = { chatIndex, chatKey, field: `${base}.${field}` };
      for (const needle of found) {
        findings.push(
          needle.kind === 'redaction'
            ? { ...place, kind: 'redaction' }
            : { ...place, kind: 'identity', identityKind: needle.kind },
        );
      }
      for (const piiKind of new Set(pii)) findings.push({ ...place, kind: 'pii', piiKind });
    };
    // A chat that fits the strict schema has exactly the known fields; any other is scanned whole.
    if (parsed.success) scanKnownFields(parsed.data, scan);
    else scanAllStrings(chat, scan);
  });
  return findings;
}

/** Seals the chats as audited, or throws `audit-failed` naming where the first findings are. */
export function auditChats(chats: readonly AnonChat[], options: AuditOptions): AuditedChats {
  const findings = findAuditFindings(chats, options);
  const first = findings[0];
  if (first === undefined) return sealAudited(chats);
  const listed = findings.slice(0, MAX_REPORTED).map(describeFinding);
  const more = findings.length > MAX_REPORTED ? `; and ${findings.length - MAX_REPORTED} more` : '';
  throw new PygboxError(
    'audit-failed',
    `the anonymization audit found ${findings.length} problem(s): ${listed.join('; ')}${more}`,
    { hint: HINT, place: { field: first.field } },
  );
}

export function describeFinding(finding: AuditFinding): string {
  const where = `${finding.field} (chat key ${finding.chatKey ?? 'unreadable'})`;
  switch (finding.kind) {
    case 'identity':
      return `${where}: identity of kind ${finding.identityKind}`;
    case 'redaction':
      return `${where}: a phrase from the redaction list`;
    case 'pii':
      return `${where}: ${finding.piiKind} pattern`;
    case 'schema':
      return `${where}: field not allowed or malformed (${finding.issue})`;
  }
}

type Scan = (field: string, text: string) => void;

const CHARACTER_FIELDS = ['name', 'title', 'description', 'greeting', 'definition'] as const;

function scanKnownFields(chat: AnonChat, scan: Scan): void {
  for (const field of CHARACTER_FIELDS) {
    const value = chat.character[field];
    if (value !== undefined) scan(`character.${field}`, value);
  }
  chat.messages.forEach((message, index) => {
    scan(`messages[${index}].text`, message.text);
    message.swipes.forEach((swipe, swipeIndex) => {
      scan(`messages[${index}].swipes[${swipeIndex}]`, swipe);
    });
  });
}

/**
 * Every string in the character and the messages of a malformed chat, stray fields included (they
 * are schema findings already, but may also hold a name worth reporting). `role` and `day` are not
 * free text and are skipped.
 */
function scanAllStrings(chat: AnonChat, scan: Scan): void {
  scanStringsOf('character', chat.character, scan);
  const messages: readonly unknown[] = Array.isArray(chat.messages) ? chat.messages : [];
  messages.forEach((message, index) => {
    scanStringsOf(`messages[${index}]`, message, scan);
  });
}

const NOT_FREE_TEXT: ReadonlySet<string> = new Set(['role', 'day']);

function scanStringsOf(path: string, value: unknown, scan: Scan): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [field, fieldValue] of Object.entries(value)) {
    if (NOT_FREE_TEXT.has(field)) continue;
    if (typeof fieldValue === 'string') scan(`${path}.${field}`, fieldValue);
    if (!Array.isArray(fieldValue)) continue;
    fieldValue.forEach((item: unknown, index) => {
      if (typeof item === 'string') scan(`${path}.${field}[${index}]`, item);
    });
  }
}

/** The needles found in `text` as whole words (at most one report per needle). */
function needlesIn(text: string, needles: NeedleSet): AuditNeedle[] {
  if (needles.ordered.length === 0 || text === '') return [];
  const found = needlesInFolded(foldText(text).replace(FOLDED_PLACEHOLDER, PLACEHOLDER_MARK), needles);
  // Letter emoji fold to letters (`🇿🇴🇪`), which glues a name to a flag next to it (`Ann🇫🇷`):
  // such texts are searched again with those symbols read as a break.
  if (!hasLetterSymbol(text)) return found;
  const broken = foldText(text.replace(LETTER_SYMBOL_RUN, PLACEHOLDER_MARK)).replace(
    FOLDED_PLACEHOLDER,
    PLACEHOLDER_MARK,
  );
  for (const needle of needlesInFolded(broken, needles)) {
    if (!found.includes(needle)) found.push(needle);
  }
  return found;
}

function needlesInFolded(folded: string, needles: NeedleSet): AuditNeedle[] {
  const { ordered, contained, absent } = needles;
  const found: AuditNeedle[] = [];
  absent.fill(0);
  for (let index = 0; index < ordered.length; index += 1) {
    const needle = ordered[index];
    if (needle === undefined) continue;
    // A needle that contains an absent needle cannot be there either: most texts hold no name, and
    // then only the shortest needles are searched.
    if (contained[index]?.some((inner) => absent[inner] === 1)) {
      absent[index] = 1;
      continue;
    }
    let at = folded.indexOf(needle.text);
    if (at === -1) absent[index] = 1;
    while (at !== -1) {
      const leftOk = !needle.checkLeft || !isBlockingWordChar(codePointBefore(folded, at));
      const rightOk = !needle.checkRight || endsWord(folded, at + needle.text.length, needle);
      if (leftOk && rightOk) {
        found.push(needle);
        break;
      }
      at = folded.indexOf(needle.text, at + 1);
    }
  }
  return found;
}

/**
 * Whether a hit that ends at `end` ends a word, or would once a suffix its needle takes is counted
 * in: `zoe` in `zoes` or `zoe99`, but not in `zoey` or `zoes2`.
 */
function endsWord(folded: string, end: number, needle: AuditNeedle): boolean {
  const next = codePointAt(folded, end);
  if (!isBlockingWordChar(next)) return true;
  if (needle.takesPluralS && next === TRACE_PLURAL_SUFFIX) {
    return !isBlockingWordChar(codePointAt(folded, end + next.length));
  }
  if (!needle.takesDigits || !isDigit(next)) return false;
  let after = end;
  for (let ch = next; isDigit(ch); ch = codePointAt(folded, after)) after += ch.length;
  return !isBlockingWordChar(codePointAt(folded, after));
}

function isDigit(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code >= 0x30 && code <= 0x39;
  return DIGIT.test(ch);
}

/** Needles shortest first, each with the indexes of the shorter needles it contains. */
interface NeedleSet {
  readonly ordered: readonly AuditNeedle[];
  readonly contained: readonly (readonly number[])[];
  /** Scratch space for one text: 1 where the needle is known to be absent. */
  readonly absent: Uint8Array;
}

function needleSet(needles: readonly AuditNeedle[]): NeedleSet {
  const ordered = [...needles].sort((a, b) => a.text.length - b.text.length);
  const contained = ordered.map((needle, index) =>
    ordered
      .slice(0, index)
      .flatMap((inner, innerIndex) => (needle.text.includes(inner.text) ? [innerIndex] : [])),
  );
  return { ordered, contained, absent: new Uint8Array(ordered.length) };
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
}
