import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import {
  MODEL_MANIFEST_PATH,
  type ModelManifest,
  modelManifestSchema,
} from '../../../shared/model/model-manifest.ts';
import { sha256Hex } from '../../../shared/zip/sha256-hex.ts';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';
import { makeTinyCheckpoint } from '../../trainer-node/export/tiny-exported-model.ts';

const run = promisify(execFile);

/** The exported model a user would import: the folder and the zip `pygbox export` wrote. */
export interface ExportedChatModel {
  /** The tiny checkpoint it was exported from (Hugging Face layout). */
  checkpoint: string;
  folder: string;
  zip: string;
  manifest: ModelManifest;
  /** What the models page must call it: sha256 of the pygbox-model.json bytes. */
  id: string;
  /** The model's positions (config.json), the context the chat page trims prompts to. */
  contextLength: number;
}

const ZIP_NAME = 'tiny-chat-model.zip';
const configSchema = z.looseObject({ max_position_embeddings: z.number().int().positive() });

/**
 * A tiny OPT exported by the real CLI into `root` (`checkpoint/`, `model/`, `tiny-chat-model.zip`),
 * zip included, so the file the test imports is byte for byte what a user gets from `pygbox export`.
 * The weights stay random: a fitted tiny model decodes a few repeated tokens whose re-tokenized text
 * differs from the ids generated, while random weights give long, varied replies that only stop at
 * the token limit or the stop button. The gates are opened wide because the quantized files of a
 * random model agree with fp32 by chance only. Tests take the shared one (shared-tiny-export.ts).
 */
export async function exportChatModel(root: string, dtypes: string): Promise<void> {
  const made = makeTinyCheckpoint(root, 'opt', 0);
  await run(
    'node',
    [
      join(workerPaths().root, 'trainer-node/bin/pygbox.js'),
      'export',
      made.checkpoint,
      '-o',
      made.model,
      '--zip',
      join(root, ZIP_NAME),
      '--dtype',
      dtypes,
      '--max-ppl-increase',
      'q8=1000000,q4=1000000,q4f16=1000000',
      '--min-top1-agreement',
      'q8=0,q4=0,q4f16=0',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
}

/** The export in `root` as the tests see it. */
export async function describeChatModel(root: string): Promise<ExportedChatModel> {
  const folder = join(root, 'model');
  const manifestBytes = readFileSync(join(folder, MODEL_MANIFEST_PATH));
  const config = configSchema.parse(JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')));
  return {
    checkpoint: join(root, 'checkpoint'),
    folder,
    zip: join(root, ZIP_NAME),
    manifest: modelManifestSchema.parse(JSON.parse(new TextDecoder().decode(manifestBytes))),
    id: await sha256Hex(new Uint8Array(manifestBytes)),
    contextLength: config.max_position_embeddings,
  };
}
