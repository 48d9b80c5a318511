import type { GeneratedReply } from '../../shared/generate/generate-reply.ts';
import { plural } from '../pages/plural.ts';

/** What the page reports after a reply, as `#reply-stats` data attributes and a line to read. */
export interface ReplyStats {
  promptTokens: number;
  reusedTokens: number;
  firstTokenMs: number;
  tokens: number;
  /** Decode speed: tokens after the first over the time after the first (prefill excluded). */
  tokensPerSecond: number;
  stopReason: GeneratedReply['stopReason'];
}

export function replyStats(result: GeneratedReply): ReplyStats {
  const decodeMs = result.totalMs - result.firstTokenMs;
  const decoded = Math.max(0, result.tokenIds.length - 1);
  return {
    promptTokens: result.promptTokens,
    reusedTokens: result.reusedTokens,
    firstTokenMs: Math.round(result.firstTokenMs),
    tokens: result.tokenIds.length,
    tokensPerSecond: decodeMs > 0 && decoded > 0 ? Math.round((10_000 * decoded) / decodeMs) / 10 : 0,
    stopReason: result.stopReason,
  };
}

const STOP_WORDS: Record<ReplyStats['stopReason'], string> = {
  eos: 'the model ended the reply',
  'stop-string': 'the model began your next line',
  length: 'the length limit',
  aborted: 'you stopped it',
};

export function replyStatsLine(stats: ReplyStats): string {
  const reused = stats.reusedTokens > 0 ? ` (${stats.reusedTokens} reused from the last turn)` : '';
  // A decode speed needs two tokens or more (the first one's time is the prefill's).
  const speed = stats.tokens > 1 ? ` at ${stats.tokensPerSecond} tokens/s` : '';
  return `Prompt ${plural(stats.promptTokens, 'token')}${reused}; first token after ${stats.firstTokenMs} ms; ${plural(stats.tokens, 'token')}${speed}; stopped by ${STOP_WORDS[stats.stopReason]}.`;
}
