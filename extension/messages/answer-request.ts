import { toWireError } from './message-error.ts';
import type { ReplyEnvelope } from './worker-protocol.ts';

/**
 * Runs a handler and wraps what it gives in the reply envelope. Every reply is an envelope, errors
 * included, so the sender always learns what happened instead of getting `undefined` from a
 * rejected listener (which Chrome reports only in the receiver's console).
 */
export async function answerRequest(work: () => Promise<unknown>): Promise<ReplyEnvelope> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}
