import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { CaptureRecord } from '../capture/capture-record.ts';

/**
 * Identity of a capture for deduplication: sha256 of url, method, status and body. A JSON array
 * keeps the fields apart (no "a"+"bc" = "ab"+"c" collisions). The capture time is left out on
 * purpose: the page and the dumper fetch the same pages again and again (every visit, every re-run
 * of a dump), and an answer that did not change holds nothing new, so it is stored once. An answer
 * that changed (an edit, a new turn) differs in its body and is kept.
 */
export function captureDigest(record: CaptureRecord): string {
  const canonical = JSON.stringify([record.url, record.method, record.status, record.body ?? null]);
  return bytesToHex(sha256(new TextEncoder().encode(canonical)));
}
