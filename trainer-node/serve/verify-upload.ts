import { auditChats } from '../../shared/anonymize/audit.ts';
import type { AuditedChats } from '../../shared/anonymize/audited-chats.ts';
import { anonChatKey } from '../../shared/anonymize/chat-key.ts';
import type { AnonChat } from '../../shared/chat/anon-chat.ts';
import type { Identity } from '../../shared/chat/chat.ts';
import type { ExportManifest } from '../../shared/zip/export-manifest.ts';
import { CHATS_PATH } from '../../shared/zip/export-paths.ts';
import { readExportZip } from '../../shared/zip/read-export-zip.ts';
import { zipInvalid } from '../../shared/zip/zip-invalid-error.ts';
import type { ZipLimits } from '../../shared/zip/zip-limits.ts';
import { nodeZipCodec } from '../io/node-zip-codec.ts';

export interface VerifiedUpload {
  manifest: ExportManifest;
  audited: AuditedChats;
}

export interface VerifyOptions {
  /** Names the operator never wants stored (anyone's, reported or known to leak). */
  blocklist: readonly string[];
  zipLimits: Partial<ZipLimits>;
}

/**
 * Everything an upload must pass before anything of it is stored: the zip reader's checks
 * (structure, hostile names and sizes, manifest, checksums, strict chat schema, counts), each
 * chat's key against its content, and the anonymization audit again. The server knows no
 * contributor's identities, so the audit re-checks the schema (a stray id or avatar field), the PII
 * patterns (emails, phones, handles in URLs, IPs, cards) and the operator's blocklist.
 * The zip is inflated with Node's zlib: the same bounded checks as the portable reader, about a
 * third of a 1 MB upload's checking time less (bench/RESULTS.md "Collection server uploads").
 */
export async function verifyUpload(bytes: Uint8Array, options: VerifyOptions): Promise<VerifiedUpload> {
  const { manifest, chats } = await readExportZip(bytes, options.zipLimits, nodeZipCodec);
  checkChatKeys(chats);
  const identities: Identity[] = options.blocklist.map((value) => ({ kind: 'user-supplied', value }));
  return { manifest, audited: auditChats(chats, { identities }) };
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
