import type { GeneratedReply } from '../../shared/generate/generate-reply.ts';

/**
 * The status line after a reply: prompt size and how much of it the cache already held, the time
 * to the first token (prefill), decode speed, and why the reply ended. Decode speed counts the
 * tokens after the first, over the time after it, so prefill does not blur it.
 */
export function formatReplyStats(result: GeneratedReply, droppedTurns: number): string {
  const drawn = result.tokenIds.length + (result.stopReason === 'eos' ? 1 : 0);
  const decodeSeconds = (result.totalMs - result.firstTokenMs) / 1000;
  const speed =
    drawn > 1 && decodeSeconds > 0 ? `, ${((drawn - 1) / decodeSeconds).toFixed(1)} tokens/s` : '';
  const trimmed = droppedTurns > 0 ? `, ${droppedTurns} oldest lines left out to fit the context` : '';
  return (
    `[${result.promptTokens} prompt tokens (${result.reusedTokens} from the cache)${trimmed}; ` +
    `first token in ${(result.firstTokenMs / 1000).toFixed(2)} s; ${drawn} tokens${speed}; stop: ${result.stopReason}]`
  );
}
