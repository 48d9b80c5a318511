import { PygboxError } from '../errors/pygbox-error.ts';
import { checkUploadEndpoint, uploadUrlFor } from './upload-endpoint.ts';
import {
  CONSENT_HEADER,
  type Consent,
  consentSchema,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  UPLOAD_CONTENT_TYPE,
  type UploadReceipt,
  uploadErrorBodySchema,
  uploadReceiptSchema,
} from './upload-protocol.ts';

export interface UploadExportZipOptions {
  /** The collection server's address (checked by `checkUploadEndpoint`). */
  endpoint: string;
  /** The export zip exactly as Pygbox wrote it (it already passed the anonymizer and its audit). */
  zip: Uint8Array;
  consent: Consent;
  /** The host's fetch; the global one by default. */
  fetch?: typeof fetch;
  /** Cancels the upload (it then fails with 'upload-failed'). */
  signal?: AbortSignal;
  /** Gives up after this long; 10 minutes by default, room for a large zip on a slow line. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
/** A server's own words are shown to the user; a hostile or broken one must not flood the panel. */
const MAX_SERVER_TEXT = 500;

/**
 * Uploads an export zip to a `pygbox serve` collection server and returns its receipt. Failures
 * are PygboxError: 'usage' for a bad endpoint or consent, 'upload-refused' when the server said no
 * (its message and hint, with the HTTP status), 'upload-failed' when the upload did not get an
 * answer (network, timeout, cancelled, a 5xx, an answer that is not Pygbox's).
 */
export async function uploadExportZip(options: UploadExportZipOptions): Promise<UploadReceipt> {
  const endpoint = checkUploadEndpoint(options.endpoint);
  const consent = consentSchema.safeParse(options.consent);
  if (!consent.success) {
    throw new PygboxError('usage', 'the upload consent is neither "private" nor "public"', {
      place: { field: 'consent' },
      hint: 'Choose whether the chats stay private to the collectors or may be published.',
    });
  }
  const url = uploadUrlFor(endpoint);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  const doFetch = options.fetch ?? globalThis.fetch;

  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': UPLOAD_CONTENT_TYPE,
        [CONSENT_HEADER]: consent.data,
        [PROTOCOL_HEADER]: PROTOCOL_VERSION,
      },
      body: ownedBytes(options.zip),
      signal,
      // Never send the user's cookies for the collector's site along with their chats.
      credentials: 'omit',
      redirect: 'error',
    });
    text = await response.text();
  } catch (cause) {
    throw failedToReach(url, cause, options.signal, timeout);
  }

  if (response.ok) {
    const receipt = uploadReceiptSchema.safeParse(parseJson(text));
    if (receipt.success) return receipt.data;
    throw new PygboxError(
      'upload-failed',
      `the server at ${url.origin} answered, but not with a Pygbox receipt`,
      {
        place: { field: 'endpoint' },
        hint: 'Check that the address is a Pygbox collection server (pygbox serve).',
      },
    );
  }
  const error = uploadErrorBodySchema.safeParse(parseJson(text));
  const said = error.success ? error.data.error : undefined;
  const reason = said === undefined ? response.statusText || 'no reason given' : clip(said.message);
  const code = response.status >= 500 ? 'upload-failed' : 'upload-refused';
  const verb = code === 'upload-failed' ? 'could not take' : 'refused';
  throw new PygboxError(code, `the server ${verb} the upload (HTTP ${response.status}): ${reason}`, {
    hint: said?.hint === undefined ? defaultHint(response) : clip(said.hint),
  });
}

function failedToReach(
  url: URL,
  cause: unknown,
  userSignal: AbortSignal | undefined,
  timeout: AbortSignal,
): PygboxError {
  if (userSignal?.aborted === true) {
    return new PygboxError('upload-failed', 'the upload was cancelled', {
      hint: 'Nothing was stored unless the server had already answered; upload again when ready.',
      cause,
    });
  }
  if (timeout.aborted) {
    return new PygboxError('upload-failed', `the upload to ${url.origin} timed out`, {
      hint: 'The server or the connection is slow; try again later.',
      cause,
    });
  }
  return new PygboxError('upload-failed', `could not reach the upload server at ${url.origin}`, {
    hint: 'Check the address, your connection, and that the server is running; then try again.',
    cause,
  });
}

function defaultHint(response: Response): string {
  if (response.status === 429) {
    const after = response.headers.get('Retry-After');
    return `Too many uploads; try again${after === null ? ' later' : ` in ${after} seconds`}.`;
  }
  if (response.status === 404 || response.status === 405) {
    return 'Check that the address is a Pygbox collection server (pygbox serve).';
  }
  if (response.status >= 500) return 'The server had a problem; try again later.';
  return 'Export again from Pygbox and upload the new zip.';
}

/** fetch takes views of a plain ArrayBuffer only; a view of shared memory is copied first. */
function ownedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : bytes.slice();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  return text.length <= MAX_SERVER_TEXT ? text : `${text.slice(0, MAX_SERVER_TEXT)}…`;
}
