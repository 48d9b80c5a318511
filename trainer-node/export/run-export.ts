import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { formatIssuePath } from '../../shared/errors/zod-issue-path.ts';
import {
  MODEL_MANIFEST_PATH,
  type ModelManifest,
  modelManifestSchema,
} from '../../shared/model/model-manifest.ts';
import type { WorkerErrorEvent } from '../worker-process/common-events.ts';
import { ensureWorkerEnvironment } from '../worker-process/ensure-worker-environment.ts';
import { runWorker } from '../worker-process/run-worker.ts';
import { workerFailure } from '../worker-process/worker-failure.ts';
import type { ExportDtype } from './export-dtypes.ts';
import { type ExportedFile, exportEventSchema, type ParityEvent } from './export-events.ts';
import { TOKENIZER_SAMPLE_TEXT, transformersJsIds } from './transformers-js-ids.ts';
import { writeModelZip } from './write-model-zip.ts';

export const EXPORT_WORKER_MODULE = 'pygbox_worker.export';

export interface ExportOptions {
  checkpoint: string;
  out: string;
  dtypes: readonly ExportDtype[];
  evalDataset?: string;
  /** Where the zip goes; default `<out>.zip`. `false`: no zip. */
  zip?: string | false;
  overwrite: boolean;
  /** Extra gate flags passed through to the worker (`--max-ppl-increase q4=30` and the like). */
  gateArguments?: readonly string[];
  /** One line per stage, as the worker reaches it. */
  onProgress?: (line: string) => void;
}

export interface ExportResult {
  out: string;
  zip: string | undefined;
  files: ExportedFile[];
  parity: ParityEvent | undefined;
  /** The folder's pygbox-model.json, parsed with the schema the extension's importer uses. */
  manifest: ModelManifest;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Argument checks that need no Python: fail in milliseconds, not after the model loaded. */
function checkPaths(options: ExportOptions, checkpoint: string, out: string, zip: string | undefined): void {
  if (!isDirectory(checkpoint) || !existsSync(join(checkpoint, 'config.json'))) {
    throw new PygboxError('usage', 'not a model folder (no config.json)', {
      place: { file: checkpoint },
      hint: 'pass a checkpoint written by pygbox train, e.g. <output_dir>/final',
    });
  }
  if (!isDirectory(dirname(out))) {
    throw new PygboxError('usage', 'the folder to write the model into does not exist', {
      place: { file: dirname(out) },
      hint: 'create it first, or choose another -o',
    });
  }
  if (resolve(out) === resolve(checkpoint)) {
    throw new PygboxError('usage', 'the model folder cannot be the checkpoint folder', {
      place: { file: out },
      hint: 'choose another -o',
    });
  }
  for (const target of [out, zip]) {
    if (target !== undefined && existsSync(target) && !options.overwrite) {
      throw new PygboxError('usage', 'already exists', {
        place: { file: target },
        hint: 'pass --overwrite to replace it, or choose another path',
      });
    }
  }
  if (options.evalDataset !== undefined && !existsSync(join(options.evalDataset, 'index.json'))) {
    throw new PygboxError('usage', 'not a dataset folder (no index.json)', {
      place: { file: options.evalDataset },
      hint: 'pass a folder written by pygbox dataset build',
    });
  }
}

function describeStage(stage: string, detail: string | null): string {
  return detail === null ? stage : `${stage}: ${detail}`;
}

export async function runExport(options: ExportOptions): Promise<ExportResult> {
  const checkpoint = resolve(options.checkpoint);
  const out = resolve(options.out);
  const zip = options.zip === false ? undefined : resolve(options.zip ?? `${out}.zip`);
  checkPaths(options, checkpoint, out, zip);
  const progress = options.onProgress ?? (() => undefined);

  progress('tokenizer: checking transformers.js against the Python tokenizer');
  const sampleIds = await transformersJsIds(checkpoint, TOKENIZER_SAMPLE_TEXT);
  await ensureWorkerEnvironment({ log: progress });

  const args = [
    '--checkpoint',
    checkpoint,
    '--out',
    out,
    '--dtype',
    options.dtypes.join(','),
    '--tokenizer-sample-text',
    TOKENIZER_SAMPLE_TEXT,
    '--tokenizer-sample-ids',
    sampleIds.join(','),
    ...(options.evalDataset === undefined ? [] : ['--eval-dataset', resolve(options.evalDataset)]),
    ...(options.overwrite ? ['--overwrite'] : []),
    ...(options.gateArguments ?? []),
  ];
  let reported: WorkerErrorEvent | undefined;
  let files: ExportedFile[] | undefined;
  let parity: ParityEvent | undefined;
  const exit = await runWorker({
    module: EXPORT_WORKER_MODULE,
    args,
    eventSchema: exportEventSchema,
    onEvent: (event) => {
      switch (event.event) {
        case 'export-stage':
          progress(describeStage(event.stage, event.detail));
          break;
        case 'parity':
          parity = event;
          break;
        case 'export-done':
          files = event.files;
          break;
        case 'warning':
          progress(`warning: ${event.message}`);
          break;
        case 'error':
          reported = event;
          break;
      }
    },
  });
  if (exit.code !== 0 || files === undefined) {
    throw workerFailure(EXPORT_WORKER_MODULE, exit, reported, { file: checkpoint });
  }

  const manifest = await readManifest(out);
  if (zip !== undefined) {
    progress(`zip: ${basename(zip)}`);
    await writeModelZip(
      zip,
      files.map((file) => ({ path: file.path, file: join(out, file.path), bytes: file.bytes })),
    );
  }
  return { out, zip, files, parity, manifest };
}

/** The descriptor must pass the importer's schema before a zip carries it to the extension. */
async function readManifest(out: string): Promise<ModelManifest> {
  const file = join(out, MODEL_MANIFEST_PATH);
  const parsed = modelManifestSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new PygboxError(
    'worker-failed',
    `the export's descriptor does not match the model schema: ${issue?.message}`,
    {
      place: { file, field: issue === undefined ? undefined : formatIssuePath(issue.path) },
      hint: 'the worker and the CLI are from different versions; reinstall pygbox',
    },
  );
}
