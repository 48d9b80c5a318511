import { PygboxError } from '../errors/pygbox-error.ts';

/**
 * The logits the sampler can work with: every entry finite or -Infinity (removed). A model run in
 * float16 (the q4f16 file) can overflow: NaN then removes the token, as torch's sampler would
 * refuse it, and +Infinity means "certain", so the tokens at +Infinity share all the mass and the
 * rest go. Without this a NaN turned every probability into NaN and the draw returned no token at
 * all. When nothing is left the model's output is broken, and saying so beats drawing token 0.
 * Returns a new array.
 */
export function finiteLogits(logits: Float32Array): Float32Array {
  const result = Float32Array.from(logits);
  let finite = 0;
  let infinite = 0;
  for (let index = 0; index < result.length; index += 1) {
    const logit = result[index] as number;
    if (Number.isNaN(logit)) result[index] = Number.NEGATIVE_INFINITY;
    else if (logit === Number.POSITIVE_INFINITY) infinite += 1;
    else if (logit !== Number.NEGATIVE_INFINITY) finite += 1;
  }
  if (infinite > 0) {
    for (let index = 0; index < result.length; index += 1) {
      result[index] = result[index] === Number.POSITIVE_INFINITY ? 0 : Number.NEGATIVE_INFINITY;
    }
  } else if (finite === 0) {
    throw new PygboxError('input-unreadable', 'the model returned no usable logits (all NaN or -Infinity)', {
      place: { field: 'logits' },
      hint: 'run the fp32 file (--dtype fp32); if that fails too, export the checkpoint again',
    });
  }
  return result;
}
