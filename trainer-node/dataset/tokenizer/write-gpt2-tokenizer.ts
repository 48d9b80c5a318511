import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { writeFileAtomic } from '../../io/write-file-atomic.ts';
import { buildGpt2TokenizerFiles, type Gpt2Variant } from './gpt2-tokenizer-files.ts';

/** Writes the GPT-2 (or OPT-style) tokenizer folder; refuses to replace files unless asked. */
export async function writeGpt2Tokenizer(
  folder: string,
  variant: Gpt2Variant,
  overwrite: boolean,
): Promise<void> {
  const files = await buildGpt2TokenizerFiles(variant);
  for (const name of Object.keys(files)) {
    const path = join(folder, name);
    const present = await access(path).then(
      () => true,
      () => false,
    );
    if (present && !overwrite) {
      throw new PygboxError('usage', 'a tokenizer file is already there', {
        place: { file: path },
        hint: 'choose an empty folder, or pass --overwrite',
      });
    }
  }
  for (const [name, text] of Object.entries(files)) await writeFileAtomic(join(folder, name), text);
}
