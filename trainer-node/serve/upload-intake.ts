import { randomBytes } from 'node:crypto';
import type { Consent, UploadReceipt } from '../../shared/upload/upload-protocol.ts';
import type { BlobClaims } from './blob-claims.ts';
import { BlobStore } from './blob-store.ts';
import type { Catalogue, HeldCopy, IncomingChat, RecordedUpload } from './catalogue.ts';
import { keepsIncoming } from './keep-rule.ts';
import { PREFIX_HASH_BYTES, prefixHashAt } from './message-prefix.ts';
import type { PackCompactor } from './pack-compactor.ts';
import type { VerifyUpload } from './verify-pool.ts';

/**
 * Takes one upload from bytes to catalogue: verify it whole (verify-pool.ts), write the copies worth keeping as
 * one content-addressed pack blob (their JSON lines, a chats.jsonl of its own), then record the
 * upload and its chats in one transaction. One pack per upload, not one file per chat: a disk
 * flush per file made a 1 MB zip of 340 chats cost about 400 ms of fsyncs, a pack about 30
 * (bench/RESULTS.md). A pack no row names any more (all its copies replaced) is removed at once,
 * unless work in flight has claimed it (blob-claims.ts); one that still holds kept copies beside
 * replaced ones is compacted (pack-compactor.ts).
 */
export class UploadIntake {
  constructor(
    private readonly catalogue: Catalogue,
    private readonly blobs: BlobStore,
    private readonly claims: BlobClaims,
    private readonly compactor: PackCompactor,
    private readonly verify: VerifyUpload,
    private readonly log: (line: string) => void,
  ) {}

  async accept(bytes: Uint8Array, consent: Consent): Promise<UploadReceipt> {
    const verified = await this.verify(bytes);
    const copies = verified.copies.map((copy) => {
      const prefixChain = verified.prefixChains.subarray(
        copy.prefixOffset,
        copy.prefixOffset + (copy.messages + 1) * PREFIX_HASH_BYTES,
      );
      const prefixSha256 = prefixHashAt(prefixChain, copy.messages);
      if (prefixSha256 === undefined) throw new Error('a verified copy came without its prefix chain');
      return {
        ...copy,
        prefixChain,
        prefixSha256,
        json: verified.jsons.subarray(copy.offset, copy.offset + copy.length),
      };
    });
    // Duplicates (and copies that would not replace the held one) are not written at all: a
    // re-upload costs no disk.
    const held = this.catalogue.heldCopies(copies.map((copy) => copy.key));
    const written = copies.filter((copy) => worthWriting(held.get(copy.key), copy));
    const pack = packOf(written.map((copy) => copy.json));
    const packName = written.length === 0 ? undefined : BlobStore.hash(pack.bytes);
    const slot = new Map(written.map((copy, index) => [copy, index]));
    const incoming: IncomingChat[] = copies.map((copy) => {
      const slice = pack.slices[slot.get(copy) ?? -1];
      return {
        key: copy.key,
        sha256: copy.sha256,
        messages: copy.messages,
        prefixSha256: copy.prefixSha256,
        prefixChain: copy.prefixChain,
        location: packName === undefined || slice === undefined ? undefined : { blob: packName, ...slice },
      };
    });

    const claimed = packName === undefined ? [] : [packName];
    this.claims.claim(claimed);
    const upload = {
      id: `u-${randomBytes(8).toString('hex')}`,
      receivedAt: new Date().toISOString(),
      consent,
      zipSha256: verified.zipSha256,
      zipBytes: bytes.byteLength,
      anonymizerVersion: verified.anonymizerVersion,
      toolVersion: verified.toolVersion,
    };
    let recorded: RecordedUpload;
    try {
      if (packName !== undefined) await this.blobs.put(pack.bytes);
      recorded = this.catalogue.recordUpload(upload, incoming, verified.preferences);
    } catch (error) {
      // Nothing was recorded: the pack goes unless something else names or claims it.
      this.claims.release(claimed, claimed);
      throw error;
    }
    // The pack too: a concurrent upload may have made every copy in it redundant.
    this.claims.release(claimed, [...recorded.releasedBlobs, ...claimed]);
    // Packs that lost copies but still hold kept ones are written again without the lost ones.
    // This upload's own pack too, when it held a chat twice and only one copy is kept.
    this.compactor.schedule(
      [...recorded.releasedBlobs, ...claimed].filter((pack) => this.catalogue.isBlobNamed(pack)),
    );
    this.log(
      `upload ${upload.id}: ${incoming.length} chats (${recorded.newChats} new, ${recorded.duplicateChats} already held, ${recorded.keptChats} copies kept), ${verified.preferences.length} preference records (${recorded.newPreferences} new), consent ${consent}, ${bytes.byteLength} bytes`,
    );
    // The preference counts ride along: clients parse the receipt with a non-strict schema.
    const receipt: UploadReceipt & { preferences: number; newPreferences: number } = {
      uploadId: upload.id,
      chats: incoming.length,
      newChats: recorded.newChats,
      duplicateChats: recorded.duplicateChats,
      consent,
      preferences: verified.preferences.length,
      newPreferences: recorded.newPreferences,
    };
    return receipt;
  }
}

/**
 * A copy is written when the catalogue lacks the chat, or holds another copy this one would
 * replace: the same rule `Catalogue.recordUpload` applies, against the copy held now.
 */
function worthWriting(
  held: HeldCopy | undefined,
  copy: { messages: number; prefixChain: Uint8Array },
): boolean {
  return held === undefined || keepsIncoming(held, copy);
}

/** The copies as JSON lines, and where each one's JSON lies in the pack. */
function packOf(jsons: readonly Uint8Array[]): {
  bytes: Uint8Array;
  slices: { offset: number; length: number }[];
} {
  const bytes = new Uint8Array(jsons.reduce((sum, json) => sum + json.byteLength + 1, 0));
  const slices: { offset: number; length: number }[] = [];
  let at = 0;
  for (const json of jsons) {
    bytes.set(json, at);
    slices.push({ offset: at, length: json.byteLength });
    at += json.byteLength;
    bytes[at] = 0x0a;
    at += 1;
  }
  return { bytes, slices };
}
