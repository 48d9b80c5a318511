import { createHash } from 'node:crypto';
import type { AnonChat } from '../../shared/chat/anon-chat.ts';
import { prefixChain } from './message-prefix.ts';
import { type VerifyOptions, verifyUpload } from './verify-upload.ts';

/** One chat of a verified upload, as the catalogue stores it: its JSON and what identifies it. */
export interface VerifiedCopy {
  key: string;
  /** sha256 of the JSON. */
  sha256: string;
  messages: number;
  /** Where the JSON lies in `VerifiedCopies.jsons`. */
  offset: number;
  length: number;
  /** Where the copy's prefix chain (message-prefix.ts, messages + 1 hashes) lies in `prefixChains`. */
  prefixOffset: number;
}

/**
 * A verified upload reduced to what storing it needs, in a form that crosses threads: every
 * chat's JSON in one buffer (transferred, not copied) and plain fields.
 */
export interface VerifiedCopies {
  zipSha256: string;
  anonymizerVersion: string;
  toolVersion: string;
  jsons: Uint8Array;
  /** Every chat's prefix chain, one after another, for the keep rule (keep-rule.ts). */
  prefixChains: Uint8Array;
  copies: VerifiedCopy[];
  /** The upload's preference records, each as the one JSON form every copy of it shares. */
  preferences: { key: string; sha256: string; json: string }[];
}

/** Verifies an upload (verify-upload.ts) and encodes its chats for storing. CPU only: no I/O. */
export async function verifiedCopies(bytes: Uint8Array, options: VerifyOptions): Promise<VerifiedCopies> {
  const { manifest, audited, preferences } = await verifyUpload(bytes, options);
  return {
    zipSha256: createHash('sha256').update(bytes).digest('hex'),
    anonymizerVersion: manifest.anonymizerVersion,
    toolVersion: manifest.tool.version,
    ...encodeCopies(audited.chats),
    preferences: preferences.preferences.map((record) => {
      const json = JSON.stringify(record);
      return { key: record.key, sha256: createHash('sha256').update(json).digest('hex'), json };
    }),
  };
}

/**
 * Each chat's JSON and prefix chain. The JSON is written again from the parsed chat rather than sliced from the upload: the
 * upload's line may hold the same chat in another form (spacing, escapes, a key given twice),
 * and what is stored and hashed must be the one form every copy of the chat shares.
 */
export function encodeCopies(
  chats: readonly AnonChat[],
): Pick<VerifiedCopies, 'jsons' | 'prefixChains' | 'copies'> {
  const encoder = new TextEncoder();
  const encoded = chats.map((chat) => encoder.encode(JSON.stringify(chat)));
  const chains = chats.map((chat) => prefixChain(chat));
  const jsons = new Uint8Array(encoded.reduce((sum, json) => sum + json.byteLength, 0));
  const prefixChains = new Uint8Array(chains.reduce((sum, chain) => sum + chain.byteLength, 0));
  const copies: VerifiedCopy[] = [];
  let offset = 0;
  let prefixOffset = 0;
  chats.forEach((chat, index) => {
    const json = encoded[index] ?? new Uint8Array();
    const chain = chains[index] ?? new Uint8Array();
    jsons.set(json, offset);
    prefixChains.set(chain, prefixOffset);
    copies.push({
      key: chat.key,
      sha256: createHash('sha256').update(json).digest('hex'),
      messages: chat.messages.length,
      offset,
      length: json.byteLength,
      prefixOffset,
    });
    offset += json.byteLength;
    prefixOffset += chain.byteLength;
  });
  return { jsons, prefixChains, copies };
}
