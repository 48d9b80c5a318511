import { Tokenizer } from '@huggingface/tokenizers';
import { z } from 'zod';
import { PygboxError } from '../errors/pygbox-error.ts';
import type { ChatTokenizer } from './chat-tokenizer.ts';

/**
 * The model's own tokenizer from the texts of its `tokenizer.json` and `tokenizer_config.json`, by
 * `@huggingface/tokenizers` (the same files `transformers` reads in the Python worker). Platform
 * free: Node's DatasetTokenizer reads the files from a folder and builds on this; the chat page
 * reads them from the installed model. Both get the ids training gave a prompt.
 *
 * `prefixIds` are what the tokenizer's post-processor puts before a text (OPT: `</s>`; GPT-2:
 * nothing), found by encoding a probe with and without special tokens. The dataset builder adds
 * them itself and appends `eosId` after each reply, so which positions are trained is decided by
 * position. A post-processor that appends tokens after the text is refused (see specialPrefix).
 */
export interface LoadedChatTokenizer extends ChatTokenizer {
  /** Texts of the added special tokens; a chat that types one literally would inject its id. */
  specialTexts: readonly string[];
  vocabSize: number;
}

/** How errors name the two files: a path on disk, or the file's name inside an installed model. */
export interface TokenizerFileNames {
  tokenizerJson: string;
  tokenizerConfig: string;
}

const anyObjectSchema = z.looseObject({});
const tokenText = z.union([
  z.string(),
  z.object({ content: z.string() }).transform((token) => token.content),
]);
const tokenizerConfigSchema = z.looseObject({ eos_token: tokenText.optional() });
const tokenizerJsonSchema = z.looseObject({
  added_tokens: z
    .array(z.looseObject({ id: z.number().int(), content: z.string(), special: z.boolean().optional() }))
    .default([]),
  model: z.looseObject({ type: z.string().optional() }),
});

export function chatTokenizerFromFiles(
  tokenizerJson: string,
  tokenizerConfigJson: string,
  names: TokenizerFileNames,
): LoadedChatTokenizer {
  const jsonValue = parseJsonText(tokenizerJson, names.tokenizerJson);
  const configValue = parseJsonText(tokenizerConfigJson, names.tokenizerConfig);
  const json = checkShape(jsonValue, names.tokenizerJson, tokenizerJsonSchema);
  const config = checkShape(configValue, names.tokenizerConfig, tokenizerConfigSchema);
  let tokenizer: Tokenizer;
  try {
    // The library reads the whole objects; the schemas above checked only the fields we read.
    tokenizer = new Tokenizer(
      checkShape(jsonValue, names.tokenizerJson, anyObjectSchema),
      checkShape(configValue, names.tokenizerConfig, anyObjectSchema),
    );
  } catch (cause) {
    throw new PygboxError('tokenizer-invalid', 'this tokenizer.json could not be loaded', {
      place: { file: names.tokenizerJson },
      hint: 'use the tokenizer.json saved with the model (transformers: tokenizer.save_pretrained(folder))',
      cause,
    });
  }
  const eosText = config.eos_token;
  const eosId = eosText === undefined ? undefined : tokenizer.token_to_id(eosText);
  if (eosText === undefined || eosId === undefined) {
    throw new PygboxError('tokenizer-invalid', 'the tokenizer names no end-of-sequence token it knows', {
      place: { file: names.tokenizerConfig, field: 'eos_token' },
      hint: 'the model folder needs the tokenizer_config.json saved with the model, with eos_token set',
    });
  }
  const encode = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids;
  const encodeWithSpecials = (text: string) => tokenizer.encode(text, { add_special_tokens: true }).ids;
  let maxId = -1;
  for (const id of tokenizer.get_vocab(true).values()) if (id > maxId) maxId = id;
  return {
    encode,
    encodeWithSpecials,
    decode: (ids) => tokenizer.decode([...ids], { skip_special_tokens: false }),
    prefixIds: specialPrefix(encode, encodeWithSpecials, names.tokenizerJson),
    eosId,
    eosText,
    specialTexts: json.added_tokens.filter((token) => token.special !== false).map((token) => token.content),
    vocabSize: maxId + 1,
  };
}

function specialPrefix(
  encode: (text: string) => number[],
  encodeWithSpecials: (text: string) => number[],
  file: string,
): number[] {
  const probe = 'Hello there';
  const plain = encode(probe);
  const full = encodeWithSpecials(probe);
  for (let start = 0; start + plain.length <= full.length; start += 1) {
    if (!plain.every((id, index) => full[start + index] === id)) continue;
    if (start + plain.length < full.length) {
      // Appended tokens (an EOS after every text) would end each prompt with an end-of-sequence
      // right before the reply the model is taught, and the reply's EOS would not be the only one.
      throw new PygboxError('tokenizer-invalid', 'the post-processor adds tokens after the text', {
        place: { file, field: 'post_processor' },
        hint: 'save the tokenizer without an end-of-sequence appended to every text (add_eos_token false); the builder appends EOS after each reply itself',
      });
    }
    return full.slice(0, start);
  }
  throw new PygboxError(
    'tokenizer-invalid',
    'the post-processor changes the text ids, not only adds tokens',
    {
      place: { file, field: 'post_processor' },
      hint: 'Pygbox supports post-processors that add special tokens around the text (TemplateProcessing, ByteLevel)',
    },
  );
}

function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PygboxError('tokenizer-invalid', 'is not valid JSON', { place: { file }, cause });
  }
}

function checkShape<T>(value: unknown, file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PygboxError('tokenizer-invalid', `unexpected shape (${issue?.code ?? 'invalid'})`, {
      place: { file, field: issue?.path.join('.') ?? '' },
      hint: 'use the tokenizer files saved with the model',
    });
  }
  return parsed.data;
}
