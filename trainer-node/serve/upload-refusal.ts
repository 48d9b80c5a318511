import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { UploadErrorBody, UploadErrorCode } from '../../shared/upload/upload-protocol.ts';

/**
 * An answer other than success, as the protocol states it: an HTTP status, a code, a message and
 * a hint. Messages name places and reasons (an entry, a line, a field, a limit), never chat text:
 * they are logged and shown.
 */
export class UploadRefusal extends Error {
  override readonly name = 'UploadRefusal';
  readonly status: number;
  readonly code: UploadErrorCode;
  readonly hint: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: UploadErrorCode,
    message: string,
    hint: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.hint = hint;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  body(): UploadErrorBody {
    return { error: { code: this.code, message: this.message, hint: this.hint } };
  }
}

const EXPORT_AGAIN = 'Export again from Pygbox and upload the zip it writes, unchanged.';

/** Fastify's own refusals (raised before our handler runs), by their error code. */
const FRAMEWORK_REFUSALS: Record<string, (limitBytes: number) => UploadRefusal> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (limit) => tooLarge(limit),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => notAZip(),
  FST_ERR_CTP_EMPTY_BODY: () =>
    new UploadRefusal(
      400,
      'bad-request',
      'the upload is empty',
      'Choose the export zip and upload it again.',
    ),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new UploadRefusal(
      400,
      'bad-request',
      'the upload ended before the length it announced (truncated)',
      'Upload again; if it keeps failing, check the connection.',
    ),
};

export function tooLarge(limitBytes: number): UploadRefusal {
  return new UploadRefusal(
    413,
    'too-large',
    `the upload is larger than this server's limit of ${limitBytes} bytes`,
    'Export fewer chats at a time (or without the extra formats) and upload each zip.',
  );
}

export function notAZip(): UploadRefusal {
  return new UploadRefusal(
    415,
    'not-a-zip',
    'the upload is not sent as a zip (Content-Type must be application/zip)',
    'Upload the Pygbox export zip with the extension, the userscript or the upload page.',
  );
}

/** Any failure of an upload or admin request, as the answer the client gets. */
export function refusalFor(error: unknown, limitBytes: number): UploadRefusal {
  if (error instanceof UploadRefusal) return error;
  if (error instanceof PygboxError) {
    if (error.code === 'zip-invalid') {
      return new UploadRefusal(
        422,
        'zip-invalid',
        `not a valid Pygbox export: ${error.message}`,
        error.hint ?? EXPORT_AGAIN,
        {
          cause: error,
        },
      );
    }
    if (error.code === 'audit-failed') {
      return new UploadRefusal(
        422,
        'audit-failed',
        `refused, nothing was stored: ${error.message}`,
        'Remove or redact what the audit names (add the name to the redaction list in Pygbox), export again and upload the new zip.',
        { cause: error },
      );
    }
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const framework = FRAMEWORK_REFUSALS[code];
  if (framework !== undefined) return framework(limitBytes);
  const status =
    typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500;
  if (status >= 400 && status < 500) {
    return new UploadRefusal(status, 'bad-request', 'the request is malformed', EXPORT_AGAIN, {
      cause: error,
    });
  }
  return new UploadRefusal(
    500,
    'internal',
    'the server could not store the upload; nothing of it was kept',
    'Try again later; if it keeps failing, tell the server operator.',
    { cause: error },
  );
}
