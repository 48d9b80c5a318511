import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { CaptureRecord } from '../capture/capture-record.ts';

/**
 * Identity of a capture for deduplication: sha256 of url, method, status, capture time and body.
 * A JSON array keeps the fields apart (no "a"+"bc" = "ab"+"c" collisions). The same response
 * captured twice (same time) is one capture; the same URL fetched again later is a new one.
 */
export function captureDigest(record: CaptureRecord): string {
  const canonical = JSON.stringify([
    record.url,
    record.method,
    record.status,
    record.capturedAt,
    record.body ?? null,
  ]);
  return bytesToHex(sha256(new TextEncoder().encode(canonical)));
}
