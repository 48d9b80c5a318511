import type { AnonChat } from '../chat/anon-chat.ts';
import { PygboxError } from '../errors/pygbox-error.ts';
import { type AnonPreference, anonPreferenceSchema } from '../local-chat/anon-preference.ts';
import { type AuditFinding, type AuditOptions, describeFinding, findAuditFindings } from './audit.ts';
import { type AuditedPreferences, sealAuditedPreferences } from './audited-preferences.ts';

/**
 * The audit of anonymized preference records, failing closed like the chats' (audit.ts), whose
 * search it reuses unchanged: each record's strings are handed to it as the messages of one
 * stand-in chat, and its findings are mapped back to the record's fields. A record that fits the
 * strict schema is searched in its free-text fields (character name, prompt, replies, model names);
 * its other strings are pinned by the schema to hex ids, a day or fixed words. A record that does
 * not fit is a finding, and then every string in it is searched.
 */

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The chat audit's findings, placed in a record instead of a chat. */
export type PreferenceAuditFinding = DistributiveOmit<AuditFinding, 'chatIndex' | 'chatKey'> & {
  recordIndex: number;
  /** The record's key when it has one of the key's form (32 hex digits). */
  recordKey: string | undefined;
};

const MAX_REPORTED = 20;
const HINT = 'add the name to the redaction list or delete the chat it came from, then export again';
/** The stand-in chat's key: it must fit the chat schema; the stand-in is never written anywhere. */
const STAND_IN_KEY = '0'.repeat(32);

/** Every finding, without throwing. */
export function findPreferenceAuditFindings(
  records: readonly AnonPreference[],
  options: AuditOptions,
): PreferenceAuditFinding[] {
  const findings: PreferenceAuditFinding[] = [];
  records.forEach((record, recordIndex) => {
    // Only a key of the key's own form is quoted: in a malformed record it could hold anything.
    const recordKey =
      typeof record === 'object' &&
      record !== null &&
      anonPreferenceSchema.shape.key.safeParse(record.key).success
        ? record.key
        : undefined;
    const base = `preferences[${recordIndex}]`;
    const place = { recordIndex, recordKey };
    const parsed = anonPreferenceSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        for (const key of keys) {
          const path = key === undefined ? issue.path : [...issue.path, key];
          findings.push({ ...place, field: base + pathText(path), kind: 'schema', issue: issue.code });
        }
      }
    }
    const strings = parsed.success ? freeTextOf(parsed.data) : allStringsOf(record, '');
    const standIn: AnonChat = {
      key: STAND_IN_KEY,
      source: 'neo',
      character: { name: '' },
      messages: strings.map(([, text]) => ({ role: 'char', text, swipes: [] })),
    };
    for (const finding of findAuditFindings([standIn], options)) {
      const index = /^chats\[0\]\.messages\[(\d+)\]\.text$/.exec(finding.field)?.[1];
      const field = index === undefined ? undefined : strings[Number(index)]?.[0];
      // The stand-in is built to fit the chat schema; anything else it reports is still a finding.
      const { chatIndex: _chatIndex, chatKey: _chatKey, ...rest } = finding;
      findings.push({ ...rest, ...place, field: field === undefined ? base : `${base}${field}` });
    }
  });
  return findings;
}

/** Seals the records as audited, or throws `audit-failed` naming where the first findings are. */
export function auditPreferences(
  records: readonly AnonPreference[],
  options: AuditOptions,
): AuditedPreferences {
  const findings = findPreferenceAuditFindings(records, options);
  const first = findings[0];
  if (first === undefined) return sealAuditedPreferences(records);
  const listed = findings.slice(0, MAX_REPORTED).map(describePreferenceFinding);
  const more = findings.length > MAX_REPORTED ? `; and ${findings.length - MAX_REPORTED} more` : '';
  throw new PygboxError(
    'audit-failed',
    `the anonymization audit of preference records found ${findings.length} problem(s): ${listed.join('; ')}${more}`,
    { hint: HINT, place: { field: first.field } },
  );
}

export function describePreferenceFinding(finding: PreferenceAuditFinding): string {
  const { recordIndex, recordKey, ...rest } = finding;
  return describeFinding({ ...rest, chatIndex: recordIndex, chatKey: recordKey }).replace(
    '(chat key',
    '(record key',
  );
}

/** The fields that hold text, as [path, value]. */
function freeTextOf(record: AnonPreference): [string, string][] {
  const strings: [string, string][] = [
    ['.character.name', record.character.name],
    ['.prompt', record.prompt],
  ];
  if (record.chosen !== null) strings.push(['.chosen.text', record.chosen.text]);
  record.rejected.forEach((rejected, index) => {
    strings.push([`.rejected[${index}].text`, rejected.text]);
  });
  record.models.forEach((model, index) => {
    strings.push([`.models[${index}].name`, model.name]);
  });
  return strings;
}

/** Every string anywhere in a malformed record, stray fields and keys included. */
function allStringsOf(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => allStringsOf(item, `${path}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [
    [`${path}.<key>`, key] as [string, string],
    ...allStringsOf(item, `${path}.${key}`),
  ]);
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
}
