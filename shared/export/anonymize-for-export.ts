import { createAnonymizer } from '../anonymize/anonymizer.ts';
import { ANONYMIZER_VERSION } from '../anonymize/anonymizer-version.ts';
import { auditChats } from '../anonymize/audit.ts';
import { auditPreferences } from '../anonymize/audit-preferences.ts';
import type { AuditedChats } from '../anonymize/audited-chats.ts';
import type { AuditedPreferences } from '../anonymize/audited-preferences.ts';
import type { Chat, Identity } from '../chat/chat.ts';
import type { PreferenceRecord } from '../local-chat/preference-record.ts';
import { anonymizePreference } from './anonymize-preferences.ts';
import { collectIdentities } from './collect-identities.ts';

export interface ExportPrivacyOptions {
  /** Account-level identities from the store or the adapters (user info, personas). */
  accountIdentities?: readonly Identity[];
  /** Names the user typed in (`--identity`, the panels' setting). */
  userIdentities?: readonly string[];
  /** Other words the user wants gone; they become `[REDACTED]`. */
  redactions?: readonly string[];
  /** The browser chat's preference records, anonymized with the same anonymizer as the chats. */
  preferences?: readonly PreferenceRecord[];
}

export interface AnonymizedExport {
  audited: AuditedChats;
  /** The anonymized, audited preference records (none when none were given). */
  preferences: AuditedPreferences;
  /** Distinct identities replaced (a count only: the identities themselves never leave). */
  identitiesRedacted: number;
  anonymizerVersion: string;
}

/**
 * The only road from canonical chats (and the browser chat's preference records) to something that
 * may leave the machine: anonymize every chat and record with one anonymizer built from every known
 * identity, then audit the result. The audit
 * throws (fails closed) on any finding, so nothing un-audited reaches a writer.
 */
export function anonymizeForExport(
  chats: readonly Chat[],
  options: ExportPrivacyOptions = {},
): AnonymizedExport {
  const identities = collectIdentities(chats, options.accountIdentities ?? [], options.userIdentities ?? []);
  const redactions = [...(options.redactions ?? []), ...creatorNames(chats)];
  const anonymizer = createAnonymizer({ identities, redactions });
  const anonChats = chats.map((chat) => anonymizer.anonymizeChat(chat));
  const audited = auditChats(anonChats, { identities, redactions });
  const anonPreferences = (options.preferences ?? []).map((record) =>
    anonymizePreference(anonymizer, record),
  );
  const preferences = auditPreferences(anonPreferences, { identities, redactions });
  return {
    audited,
    preferences,
    identitiesRedacted: anonymizer.identityCount,
    anonymizerVersion: ANONYMIZER_VERSION,
  };
}

/**
 * Character creators' usernames. The anonymizer drops the field, but creators sign their greetings
 * and definitions and users greet them by name; it is a third party's handle, or the user's own
 * when they made the character, so it becomes `[REDACTED]` in every text.
 */
export function creatorNames(chats: readonly Chat[]): string[] {
  const names = new Set<string>();
  for (const chat of chats) {
    const creator = chat.character.creatorName?.trim();
    if (creator !== undefined && creator !== '') names.add(creator);
  }
  return [...names];
}

/** A download name that holds no user or character identity, only the day. */
export function exportFileName(day: string): string {
  return `pygbox-export-${day}.zip`;
}
