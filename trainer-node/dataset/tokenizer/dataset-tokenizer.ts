import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import {
  chatTokenizerFromFiles,
  type LoadedChatTokenizer,
} from '../../../shared/generate/load-chat-tokenizer.ts';
import { sha256Hex } from '../../../shared/zip/sha256-hex.ts';

/**
 * The model's own tokenizer, loaded from its folder's `tokenizer.json` and `tokenizer_config.json`.
 * The tokenizer itself (ids, the special prefix, the EOS, the refusal of post-processors that
 * append tokens) is shared/generate/load-chat-tokenizer.ts, the one the chat page builds from an
 * installed model's files; this adds what the dataset records about the files.
 */
export interface DatasetTokenizer extends LoadedChatTokenizer {
  /** sha256 of tokenizer.json, recorded in the dataset so the trainer can check it has the same one. */
  sha256: string;
  files: { tokenizerJson: string; tokenizerConfig: string };
}

export async function loadDatasetTokenizer(folder: string): Promise<DatasetTokenizer> {
  const jsonPath = join(folder, 'tokenizer.json');
  const configPath = join(folder, 'tokenizer_config.json');
  const tokenizerJson = await readTokenizerFile(jsonPath);
  const tokenizerConfig = await readTokenizerFile(configPath);
  const tokenizer = chatTokenizerFromFiles(tokenizerJson, tokenizerConfig, {
    tokenizerJson: jsonPath,
    tokenizerConfig: configPath,
  });
  return {
    ...tokenizer,
    sha256: await sha256Hex(new TextEncoder().encode(tokenizerJson)),
    files: { tokenizerJson, tokenizerConfig },
  };
}

async function readTokenizerFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new PygboxError('tokenizer-invalid', 'cannot read this tokenizer file', {
      place: { file: path },
      hint: 'pass --tokenizer with the model folder (it must hold tokenizer.json and tokenizer_config.json; `pygbox dataset tokenizer <dir>` writes a GPT-2 one)',
      cause,
    });
  }
}
