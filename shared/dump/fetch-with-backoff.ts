import { caiResponsePygboxError, classifyCaiResponse } from '../cai/cai-response-error.ts';
import { captureEndpoint } from '../cai/capture-endpoint.ts';
import type { CaptureRecord } from '../capture/capture-record.ts';
import { PygboxError } from '../errors/pygbox-error.ts';
import { captureBody } from '../hook/capture-body.ts';
import { dumpCancelled, type Sleep } from './abortable-sleep.ts';
import { type BackoffPolicy, backoffDelay } from './dump-backoff.ts';
import { type DumpRequest, type DumpRequestInit, dumpResponseSchema } from './dump-request.ts';
import { RETRY_AFTER_MAX_MS, retryAfterMs } from './retry-after.ts';

export interface FetchPageContext {
  request: DumpRequest;
  backoff: BackoffPolicy;
  sleep: Sleep;
  random: () => number;
  now: () => Date;
  signal: AbortSignal | undefined;
  /** Called before each wait, with what went wrong in plain words. */
  onRetry: (waitMs: number, problem: string) => void;
}

/**
 * Asks for one page and returns it as a capture record once it is a real answer. Rate limits,
 * HTML error pages (Cloudflare checks, outages), `neo_error` bodies, 5xx and lost connections are
 * retried after a growing, jittered wait (never shorter than the answer's `Retry-After`), up to
 * `maxAttempts`; other failures (401, 404) are not,
 * since asking again cannot help. Throws PygboxError; never throws the request's own error text.
 */
export async function fetchWithBackoff(
  context: FetchPageContext,
  url: string,
  init: Omit<DumpRequestInit, 'signal'>,
): Promise<CaptureRecord> {
  const endpoint = captureEndpoint(url);
  let lastProblem = '';
  for (let attempt = 0; attempt < context.backoff.maxAttempts; attempt += 1) {
    if (context.signal?.aborted === true) throw dumpCancelled();
    let record: CaptureRecord | undefined;
    let askedWaitMs: number | undefined;
    try {
      const response = dumpResponseSchema.parse(
        await context.request(url, context.signal === undefined ? init : { ...init, signal: context.signal }),
      );
      record = {
        url,
        method: init.method,
        status: response.status,
        body: captureBody(response.bodyText),
        capturedAt: context.now().toISOString(),
      };
      askedWaitMs = retryAfterMs(response.retryAfter, context.now());
    } catch {
      // Narrowing above does not see the abort that happened while waiting for the answer.
      if (isAborted(context.signal)) throw dumpCancelled();
      lastProblem = `${endpoint} could not be reached (no answer)`;
    }
    if (record !== undefined) {
      const verdict = classifyCaiResponse(record);
      if (verdict.ok) return record;
      const { error } = verdict;
      const worthRetrying =
        error.retryable ||
        error.kind === 'html-error' ||
        error.kind === 'neo-error' ||
        error.kind === 'rate-limited';
      if (!worthRetrying) throw caiResponsePygboxError(error);
      lastProblem = error.message;
    }
    if (attempt + 1 >= context.backoff.maxAttempts) break;
    // The server's own Retry-After wins over a shorter guess (bounded, so a tab never sleeps for hours).
    const waitMs = Math.max(
      backoffDelay(attempt, context.backoff, context.random),
      Math.min(askedWaitMs ?? 0, RETRY_AFTER_MAX_MS),
    );
    context.onRetry(waitMs, lastProblem);
    await context.sleep(waitMs, context.signal);
  }
  throw new PygboxError('dump-failed', `${lastProblem}; gave up after ${context.backoff.maxAttempts} tries`, {
    hint: 'Open character.ai in this tab, make sure you are logged in and the page loads, wait a few minutes, then start the dump again: it continues where it stopped.',
    place: { field: endpoint },
  });
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
