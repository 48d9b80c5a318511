import { z } from 'zod';
import { PygboxError, type PygboxErrorCode } from '../../shared/errors/pygbox-error.ts';

/**
 * Errors cross extension messages as plain data (Chrome serializes messages as JSON, so an Error
 * arrives as `{}`), and are thrown again on the caller's side as the same PygboxError with its
 * code, place and hint. Any other error becomes 'message-invalid' with its text dropped: only
 * PygboxError messages are written never to quote user content.
 */
const PYGBOX_ERROR_CODES = [
  'capture-unreadable',
  'capture-invalid',
  'cai-unknown-shape',
  'cai-neo-error',
  'cai-html-error',
  'cai-http-error',
  'audit-failed',
  'zip-invalid',
  'store-quota',
  'store-failed',
  'input-unreadable',
  'output-failed',
  'dump-failed',
  'dump-cancelled',
  'hook-failed',
  'message-invalid',
  'upload-refused',
  'upload-failed',
  'server-refused',
  'dataset-invalid',
  'tokenizer-invalid',
  'worker-failed',
  'usage',
] as const satisfies readonly PygboxErrorCode[];

/** Does not compile when pygbox-error.ts gains a code this list lacks (it would fail to cross). */
type UnlistedCode = Exclude<PygboxErrorCode, (typeof PYGBOX_ERROR_CODES)[number]>;
export const EVERY_ERROR_CODE_LISTED: [UnlistedCode] extends [never] ? true : UnlistedCode = true;

export const wireErrorSchema = z.object({
  code: z.enum(PYGBOX_ERROR_CODES),
  message: z.string(),
  hint: z.string().optional(),
  place: z
    .object({ file: z.string().optional(), line: z.number().optional(), field: z.string().optional() })
    .default({}),
});
export type WireError = z.infer<typeof wireErrorSchema>;

export function toWireError(error: unknown): WireError {
  if (error instanceof PygboxError) {
    const wire: WireError = { code: error.code, message: error.message, place: { ...error.place } };
    if (error.hint !== undefined) wire.hint = error.hint;
    return wire;
  }
  return {
    code: 'message-invalid',
    message: 'an unexpected error happened in the extension',
    hint: 'Reload the extension (chrome://extensions) and try again; your stored data is kept.',
    place: {},
  };
}

export function fromWireError(wire: WireError): PygboxError {
  return new PygboxError(wire.code, wire.message, {
    ...(wire.hint === undefined ? {} : { hint: wire.hint }),
    place: wire.place,
  });
}
