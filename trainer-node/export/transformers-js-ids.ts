import { PygboxError } from '../../shared/errors/pygbox-error.ts';

/**
 * A text the browser's tokenizer (transformers.js, the library the extension runs) and the Python
 * worker's tokenizer must split identically. It has what tends to differ: BOS handling, a
 * contraction, punctuation, newlines and the `<START>` marker of the prompt format.
 */
export const TOKENIZER_SAMPLE_TEXT =
  "Mira's Persona: a lighthouse keeper.\n<START>\nYou: Hello there! How's the weather?\nMira: Stormy  as ever...";

/** transformers.js' ids for `text` with the tokenizer files of `folder` (an absolute path). */
export async function transformersJsIds(folder: string, text: string): Promise<number[]> {
  const { env, AutoTokenizer } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = '';
  try {
    const tokenizer = await AutoTokenizer.from_pretrained(folder);
    const encoded = tokenizer(text);
    return Array.from(encoded.input_ids.data as ArrayLike<bigint | number>, (id) => Number(id));
  } catch (cause) {
    throw new PygboxError('tokenizer-invalid', 'transformers.js cannot load this tokenizer', {
      place: { file: `${folder}/tokenizer.json` },
      hint: 'the browser could not run this model; copy tokenizer.json and tokenizer_config.json of the base model into the checkpoint',
      cause,
    });
  }
}
