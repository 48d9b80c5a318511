import { z } from 'zod';

/**
 * The wire protocol between an uploader (the extension, the userscript, the server's own upload
 * page) and `pygbox serve`. One schema module for both sides, so they cannot drift apart.
 *
 * Upload: `POST /api/uploads` with the export zip as the raw body (`Content-Type: application/zip`)
 * and the contributor's consent in the `X-Pygbox-Consent` header. The answer is JSON: an
 * `UploadReceipt` with 201, or `{error: {code, message, hint}}` with 400 (malformed request),
 * 413 (too large), 415 (not a zip), 422 (not a valid pygbox zip, or the audit found an identity),
 * 429 (too many uploads: `Retry-After` says when to try again), 503 (server busy) or 500.
 */

/** Resolved against the endpoint, so a server mounted under a path prefix works too. */
export const UPLOAD_PATH = 'api/uploads';
export const UPLOAD_CONTENT_TYPE = 'application/zip';
export const CONSENT_HEADER = 'X-Pygbox-Consent';
/** Lets a later server tell old clients apart; this client speaks version 1. */
export const PROTOCOL_HEADER = 'X-Pygbox-Protocol';
export const PROTOCOL_VERSION = '1';

/**
 * What the contributor allows: `private` chats are kept for the collectors only and never leave
 * the server; `public` chats may be published in the open dataset.
 */
export const consentSchema = z.enum(['private', 'public']);
export type Consent = z.infer<typeof consentSchema>;

const countSchema = z.number().int().min(0);

/**
 * What the server answers for an accepted upload. `chats` counts the chats in the zip; each is
 * either new to the server (`newChats`) or one it already held, the same or a shorter or longer
 * version of it (`duplicateChats`). Not strict: a newer server may add fields.
 */
export const uploadReceiptSchema = z
  .object({
    uploadId: z.string().min(1).max(100),
    chats: countSchema,
    newChats: countSchema,
    duplicateChats: countSchema,
    consent: consentSchema,
  })
  .refine((receipt) => receipt.newChats + receipt.duplicateChats === receipt.chats, {
    message: 'newChats and duplicateChats add up to chats',
  });
export type UploadReceipt = z.infer<typeof uploadReceiptSchema>;

/** The reasons a server refuses or fails an upload; the message and hint say it for people. */
export const uploadErrorCodeSchema = z.enum([
  'bad-request',
  'not-a-zip',
  'too-large',
  'zip-invalid',
  'audit-failed',
  'rate-limited',
  'busy',
  'unauthorized',
  'not-found',
  'internal',
]);
export type UploadErrorCode = z.infer<typeof uploadErrorCodeSchema>;

/**
 * An error answer. The client reads the code as any string (a newer server may add codes) and
 * bounds the lengths, since the text is shown to the user.
 */
export const uploadErrorBodySchema = z.object({
  error: z.object({
    code: z.string().min(1).max(100),
    message: z.string().max(2000),
    hint: z.string().max(2000).optional(),
  }),
});
export type UploadErrorBody = z.infer<typeof uploadErrorBodySchema>;
