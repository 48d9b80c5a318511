import type { DecoderModel } from '../../shared/generate/decoder-model.ts';

/**
 * A DecoderModel that notes the ids of every forward call before passing it on: what the model
 * was really fed, for `--log-prompts` (and the tests that check it against the prompt module).
 */
export function recordForwardCalls<Cache>(
  model: DecoderModel<Cache>,
  record: (ids: readonly number[]) => void,
): DecoderModel<Cache> {
  return {
    forward(ids, cache) {
      record(ids);
      return model.forward(ids, cache);
    },
    disposeCache: (cache) => model.disposeCache(cache),
  };
}
