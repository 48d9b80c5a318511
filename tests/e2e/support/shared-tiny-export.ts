import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describeChatModel, type ExportedChatModel, exportChatModel } from './browser-chat-model.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
/** What the export depends on: the worker, the exporter, the CLI, the tokenizer builder, the recipe. */
const SOURCES = [
  'trainer-node/worker/pygbox_worker',
  'trainer-node/worker/requirements.txt',
  'trainer-node/export',
  'trainer-node/commands/export.ts',
  'trainer-node/dataset/tokenizer',
  'tests/trainer-node/export/tiny-exported-model.ts',
  'tests/e2e/support/browser-chat-model.ts',
];
const PREFIX = 'pygbox-e2e-model-';
const COMPLETE = 'complete';

/**
 * One tiny export for every end-to-end file that runs a model in the browser (the chat page, the
 * extension's runtime, onnxruntime-web on each file): the real `pygbox export` CLI, all four dtypes,
 * made once and kept in the system's temporary folder under a digest of the sources that make it.
 * Exporting costs 35-80 s on two cores; three files each exporting their own cost minutes of the
 * suite's budget. A change to the exporter changes the digest, so a stale model is never reused.
 * The folder is built beside its final name and renamed once complete, so a run killed halfway
 * leaves nothing that a later run would take for finished. Tests only read it.
 */
export async function sharedTinyExport(): Promise<ExportedChatModel> {
  const folder = join(tmpdir(), `${PREFIX}${sourcesDigest()}`);
  if (!existsSync(join(folder, COMPLETE))) {
    const building = mkdtempSync(join(tmpdir(), `${PREFIX}building-`));
    await exportChatModel(building, 'fp32,q8,q4,q4f16');
    writeFileSync(join(building, COMPLETE), '');
    rmSync(folder, { recursive: true, force: true });
    renameSync(building, folder);
    removeOlderExports(folder);
  }
  return describeChatModel(folder);
}

function sourcesDigest(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((source) => filesUnder(join(ROOT, source))).sort()) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== '__pycache__')
    .flatMap((name) => filesUnder(join(path, name)));
}

/** Exports made from older sources (and unfinished builds of other runs) are never read again. */
function removeOlderExports(keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (name.startsWith(PREFIX) && path !== keep && !name.startsWith(`${PREFIX}building-`)) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}
