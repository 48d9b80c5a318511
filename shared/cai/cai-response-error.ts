import { z } from 'zod';
import type { CaptureRecord } from '../capture/capture-record.ts';
import { PygboxError, type PygboxErrorCode } from '../errors/pygbox-error.ts';
import { captureEndpoint } from './capture-endpoint.ts';

/**
 * Classifies a Character.AI response before any adapter reads it. The dumper uses the same
 * verdict to decide whether to back off and retry, so this file depends on nothing but the record.
 */
export type CaiResponseErrorKind = 'neo-error' | 'html-error' | 'http-error' | 'rate-limited';

export interface CaiResponseError {
  kind: CaiResponseErrorKind;
  status: number;
  /** URL path without the query string. */
  endpoint: string;
  /** Whether waiting and asking again can help (rate limits, Cloudflare challenges, 5xx). */
  retryable: boolean;
  /** Says what happened and where; never quotes the body. */
  message: string;
  /** The server's own `comment`/`error` text of a neo error, kept for local logs only. */
  serverComment?: string;
}

export type CaiResponseVerdict = { ok: true } | { ok: false; error: CaiResponseError };

export function classifyCaiResponse(
  record: Pick<CaptureRecord, 'url' | 'status' | 'body'>,
): CaiResponseVerdict {
  const endpoint = captureEndpoint(record.url);
  const { status, body } = record;
  const fail = (kind: CaiResponseErrorKind, retryable: boolean, message: string, serverComment?: string) => {
    const error: CaiResponseError = { kind, status, endpoint, retryable, message };
    if (serverComment !== undefined) error.serverComment = serverComment;
    return { ok: false as const, error };
  };

  if (status === 429) {
    return fail('rate-limited', true, `rate limited (HTTP 429) on ${endpoint}`);
  }
  if (typeof body === 'string') {
    const what = looksLikeHtml(body) ? 'an HTML page' : 'text that is not JSON';
    return fail(
      'html-error',
      status === 403 || status >= 500,
      `${endpoint} answered ${what} (HTTP ${status}) instead of JSON: usually a Cloudflare check, a login page or an outage`,
    );
  }
  const neoError = neoErrorComment(body);
  if (neoError !== undefined) {
    return fail(
      'neo-error',
      false,
      `${endpoint} answered a neo error (HTTP ${status}): the chat or character may be gone or not yours`,
      neoError === '' ? undefined : neoError,
    );
  }
  if (status === 0 || status >= 400) {
    return fail(
      'http-error',
      status === 0 || status >= 500,
      `${endpoint} failed with HTTP ${status === 0 ? '0 (no response)' : status}`,
    );
  }
  return { ok: true };
}

/** The PygboxError for a failed response, for callers that stop on the first failure. */
export function caiResponsePygboxError(error: CaiResponseError): PygboxError {
  return new PygboxError(PYGBOX_CODE[error.kind], error.message, {
    hint: HINT[error.kind],
    place: { field: error.endpoint },
  });
}

const PYGBOX_CODE: Record<CaiResponseErrorKind, PygboxErrorCode> = {
  'neo-error': 'cai-neo-error',
  'html-error': 'cai-html-error',
  'http-error': 'cai-http-error',
  'rate-limited': 'cai-http-error',
};

const HINT: Record<CaiResponseErrorKind, string> = {
  'neo-error': 'Open the chat on character.ai to check it still exists, then capture it again.',
  'html-error': 'Reload character.ai, pass any check it shows, make sure you are logged in, then retry.',
  'http-error': 'Check you are logged in to character.ai; if the site is down, retry later.',
  'rate-limited': 'Character.AI is limiting requests: wait a minute and retry more slowly.',
};

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body|<\?xml|<)/i.test(text);
}

const neoErrorBodySchema = z.union([
  z.object({ command: z.literal('neo_error'), comment: z.unknown().optional() }),
  z.object({ status: z.literal('NOT_OK'), error: z.unknown().optional() }),
]);

/**
 * The comment of a neo error body (`{command: "neo_error", comment}` even with HTTP 200, or
 * `{status: "NOT_OK", error}` from the character endpoints), '' when it has none, undefined when
 * the body is not an error.
 */
function neoErrorComment(body: unknown): string | undefined {
  const parsed = neoErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const comment = 'command' in parsed.data ? parsed.data.comment : parsed.data.error;
  return typeof comment === 'string' ? comment : '';
}
