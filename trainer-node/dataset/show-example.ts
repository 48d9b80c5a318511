/** Marks around the trained span when an example is shown: what is between them carries the loss. */
export const TRAINED_OPEN = '⟦';
export const TRAINED_CLOSE = '⟧';

/**
 * An example as text with its masked and trained parts visible: the prompt decoded as is, then the
 * trained span (reply and EOS) between ⟦ and ⟧, then the counts. Decoded with special tokens shown,
 * so OPT's leading `</s>` (masked) and the trailing EOS (trained) are both in sight.
 */
export function showExample(
  decode: (ids: readonly number[]) => string,
  ids: ArrayLike<number>,
  promptLength: number,
): string {
  const all = Array.from(ids);
  const prompt = decode(all.slice(0, promptLength));
  const trained = decode(all.slice(promptLength));
  return `${prompt}${TRAINED_OPEN}${trained}${TRAINED_CLOSE}\n[${all.length} tokens: ${promptLength} masked, ${all.length - promptLength} trained]`;
}
