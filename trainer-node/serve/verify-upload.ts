import { auditChats } from '../../shared/anonymize/audit.ts';
import { auditPreferences } from '../../shared/anonymize/audit-preferences.ts';
import type { AuditedChats } from '../../shared/anonymize/audited-chats.ts';
import type { AuditedPreferences } from '../../shared/anonymize/audited-preferences.ts';
import { anonChatKey } from '../../shared/anonymize/chat-key.ts';
import type { AnonChat } from '../../shared/chat/anon-chat.ts';
import type { Identity } from '../../shared/chat/chat.ts';
import { anonPreferenceKey } from '../../shared/export/preference-key.ts';
import type { AnonPreference } from '../../shared/local-chat/anon-preference.ts';
import type { ExportManifest } from '../../shared/zip/export-manifest.ts';
import { CHATS_PATH, MANIFEST_PATH, PREFERENCES_PATH } from '../../shared/zip/export-paths.ts';
import { readExportZip } from '../../shared/zip/read-export-zip.ts';
import { zipInvalid } from '../../shared/zip/zip-invalid-error.ts';
import type { ZipLimits } from '../../shared/zip/zip-limits.ts';
import { nodeZipCodec } from '../io/node-zip-codec.ts';

export interface VerifiedUpload {
  manifest: ExportManifest;
  audited: AuditedChats;
  /** The browser chat's preference records (format version 2 zips), audited the same way. */
  preferences: AuditedPreferences;
}

export interface VerifyOptions {
  /** Names the operator never wants stored (anyone's, reported or known to leak). */
  blocklist: readonly string[];
  zipLimits: Partial<ZipLimits>;
}

/**
 * Everything an upload must pass before anything of it is stored: the zip reader's checks
 * (structure, hostile names and sizes, manifest, checksums, strict chat schema, counts), each
 * chat's and preference record's key against its content, and the anonymization audit again
 * (chats and preference records). The server knows no
 * contributor's identities, so the audit re-checks the schema (a stray id or avatar field), the PII
 * patterns (emails, phones, handles in URLs, IPs, cards) and the operator's blocklist.
 * The zip is inflated with Node's zlib: the same bounded checks as the portable reader, about a
 * third of a 1 MB upload's checking time less (bench/RESULTS.md "Collection server uploads").
 */
export async function verifyUpload(bytes: Uint8Array, options: VerifyOptions): Promise<VerifiedUpload> {
  const { manifest, chats, preferences } = await readExportZip(bytes, options.zipLimits, nodeZipCodec);
  checkManifestVersions(manifest);
  checkChatKeys(chats);
  checkPreferenceKeys(preferences);
  const identities: Identity[] = options.blocklist.map((value) => ({ kind: 'user-supplied', value }));
  return {
    manifest,
    audited: auditChats(chats, { identities }),
    preferences: auditPreferences(preferences, { identities }),
  };
}

/** A release number, optionally with a short pre-release or build tag (`1.2.0`, `0.2.0-beta.1`). */
const VERSION = /^\d{1,6}\.\d{1,6}\.\d{1,6}(?:[-+][0-9A-Za-z.-]{1,32})?$/;

/**
 * The manifest's version strings are stored in the catalogue, listed by the admin API and copied
 * into the public export's manifest, where the audit does not look: free text there (a name, an
 * email, megabytes of anything) would be published under no one's consent. Only version numbers
 * pass.
 */
export function checkManifestVersions(manifest: ExportManifest): void {
  const fields = [
    ['anonymizerVersion', manifest.anonymizerVersion],
    ['tool.version', manifest.tool.version],
  ] as const;
  for (const [field, value] of fields) {
    if (!VERSION.test(value)) {
      throw zipInvalid(
        MANIFEST_PATH,
        `${field} is not a version number`,
        'The manifest was changed after export or written by another tool; export again from Pygbox.',
        { field },
      );
    }
  }
}

/**
 * A key is how a re-upload finds the copy it replaces; one not derived from the content could
 * overwrite someone else's chat.
 */
export function checkChatKeys(chats: readonly AnonChat[]): void {
  chats.forEach((chat, index) => {
    if (anonChatKey(chat.character.name, chat.messages) !== chat.key) {
      throw zipInvalid(
        CHATS_PATH,
        `line ${index + 1}: the chat's key does not match its content`,
        'The chats file was changed after export or written by another tool; export again from Pygbox.',
        { line: index + 1, field: 'key' },
      );
    }
  });
}

/** As for chats: a record's key must come from its content, or a re-upload could claim another's. */
export function checkPreferenceKeys(preferences: readonly AnonPreference[]): void {
  preferences.forEach((record, index) => {
    if (anonPreferenceKey(record.character.name, record.prompt) !== record.key) {
      throw zipInvalid(
        PREFERENCES_PATH,
        `line ${index + 1}: the record's key does not match its content`,
        'The preferences file was changed after export or written by another tool; export again from Pygbox.',
        { line: index + 1, field: 'key' },
      );
    }
  });
}
