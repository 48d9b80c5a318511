import { REPLY_STOP } from './prompt-format.ts';

/**
 * The character's reply in generated text: everything before the first `\nYou:` (the model starting
 * the user's next line) or the end-of-sequence text, trimmed. The chat page and the dataset tools
 * share this so a reply is cut the same way it was taught.
 */
export function parseReply(generated: string, options: { eosText?: string } = {}): string {
  let end = generated.length;
  const stop = generated.indexOf(REPLY_STOP);
  if (stop !== -1) end = stop;
  if (options.eosText !== undefined && options.eosText !== '') {
    const eos = generated.indexOf(options.eosText);
    if (eos !== -1 && eos < end) end = eos;
  }
  return generated.slice(0, end).trim();
}

/**
 * True once streamed text holds a complete stop, so generation can end early. A tail that could
 * still grow into `\nYou:` (`\nYo`) is not a stop yet.
 */
export function hasReplyStop(generated: string): boolean {
  return generated.includes(REPLY_STOP);
}
