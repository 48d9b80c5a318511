import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { ModelFileSource } from '../../shared/model/model-file-source.ts';
import {
  MODEL_MANIFEST_PATH,
  type ModelManifest,
  modelManifestSchema,
} from '../../shared/model/model-manifest.ts';
import { sha256HexSchema } from '../../shared/zip/sha256-hex.ts';
import { entryPathProblem } from '../../shared/zip/zip-entry-path.ts';
import type { ImportOptions, ImportProgress, InstalledModel } from './installed-model.ts';
import {
  INSTALLED_MARKER_NAME,
  type InstalledMarker,
  installedMarkerSchema,
} from './installed-model-marker.ts';
import type { ModelImportSource } from './model-import-source.ts';
import {
  checkListedFiles,
  checkSourcePaths,
  HINT_EXPORT_AGAIN,
  parseModelManifest,
  sourceProblem,
} from './model-manifest-check.ts';
import type { ModelStorage, StoragePath } from './model-storage.ts';

/**
 * The installed models, over any ModelStorage. Layout: `pygbox-models/<id>/<files>` where `<id>` is
 * the sha256 of the model's `pygbox-model.json`. An import streams every file into
 * `pygbox-models/.importing-<random>/` while hashing it, moves the files into place only after
 * every size and sha256 matched, and writes `pygbox-installed.json` last: a folder without it is
 * unfinished and removed on the next list or import. Whatever fails, the temporary folder is
 * removed and installed models are untouched.
 */

export const MODELS_FOLDER = 'pygbox-models';
export const IMPORTING_PREFIX = '.importing-';
/** The card is shown on the page; a bigger README is cut, not refused. */
const MAX_CARD_CHARS = 200_000;

export interface ModelLibraryLocks {
  /** Runs the task with no other import, delete or clean-up running (in any tab). */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** Runs the task only if nothing holds the lock now; otherwise skips it. */
  ifFree(task: () => Promise<void>): Promise<void>;
}

export interface ModelLibraryOptions {
  storage: ModelStorage;
  locks?: ModelLibraryLocks;
  now?: () => Date;
  randomId?: () => string;
}

export interface ModelLibrary {
  list(): Promise<InstalledModel[]>;
  get(id: string): Promise<InstalledModel | undefined>;
  files(id: string): ModelFileSource;
  importFrom(open: () => Promise<ModelImportSource>, options?: ImportOptions): Promise<InstalledModel>;
  delete(id: string): Promise<boolean>;
  deleteAll(): Promise<void>;
}

/** One page's locks: a promise chain. The extension passes navigator.locks, which spans tabs. */
export function inPageLocks(): ModelLibraryLocks {
  let tail: Promise<unknown> = Promise.resolve();
  let busy = 0;
  return {
    exclusive<T>(task: () => Promise<T>): Promise<T> {
      busy++;
      const run = tail.then(task).finally(() => {
        busy--;
      });
      tail = run.catch(() => undefined);
      return run;
    },
    async ifFree(task) {
      if (busy === 0) await this.exclusive(task);
    },
  };
}

const folderOf = (id: string): StoragePath => [MODELS_FOLDER, id];
const segments = (path: string): string[] => path.split('/');

export function createModelLibrary(options: ModelLibraryOptions): ModelLibrary {
  const { storage } = options;
  const locks = options.locks ?? inPageLocks();
  const now = options.now ?? (() => new Date());
  const randomId = options.randomId ?? (() => crypto.randomUUID());

  async function readMarker(id: string): Promise<InstalledMarker | undefined> {
    const blob = await storage.read([...folderOf(id), INSTALLED_MARKER_NAME]);
    if (blob === undefined) return undefined;
    try {
      const marker = installedMarkerSchema.parse(JSON.parse(await blob.text()));
      return marker.id === id ? marker : undefined;
    } catch {
      return undefined;
    }
  }

  async function load(id: string): Promise<InstalledModel | undefined> {
    if (!sha256HexSchema.safeParse(id).success) return undefined;
    const marker = await readMarker(id);
    if (marker === undefined) return undefined;
    const manifestBlob = await storage.read([...folderOf(id), MODEL_MANIFEST_PATH]);
    if (manifestBlob === undefined) return undefined;
    const bytes = new Uint8Array(await manifestBlob.arrayBuffer());
    // Stored by us after it was checked, but read through the schema all the same: a later
    // version of the extension may have written it, and OPFS is not tamper-proof.
    if (bytesToHex(sha256(bytes)) !== id) return undefined;
    let manifest: ModelManifest;
    try {
      manifest = modelManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
    } catch {
      return undefined;
    }
    const cardBlob = manifest.files.some((file) => file.path === 'README.md')
      ? await storage.read([...folderOf(id), 'README.md'])
      : undefined;
    // Sliced before decoding: only the start of an oversized card is ever read.
    const card = (await cardBlob?.slice(0, 4 * MAX_CARD_CHARS).text())?.slice(0, MAX_CARD_CHARS);
    return { id, manifest, totalBytes: marker.totalBytes, importedAt: marker.importedAt, card };
  }

  /** Unfinished imports and installs: only when no import runs, or we would delete its files. */
  async function removeIncomplete(): Promise<void> {
    for (const entry of await storage.list([MODELS_FOLDER])) {
      const unfinished =
        entry.name.startsWith(IMPORTING_PREFIX) ||
        (entry.kind === 'directory' &&
          (await storage.read([MODELS_FOLDER, entry.name, INSTALLED_MARKER_NAME])) === undefined);
      if (unfinished) await storage.remove([MODELS_FOLDER, entry.name]);
    }
  }

  async function list(): Promise<InstalledModel[]> {
    await locks.ifFree(removeIncomplete);
    const models: InstalledModel[] = [];
    for (const entry of await storage.list([MODELS_FOLDER])) {
      if (entry.kind !== 'directory' || entry.name.startsWith(IMPORTING_PREFIX)) continue;
      const model = await load(entry.name);
      if (model !== undefined) models.push(model);
    }
    return models.sort((a, b) => b.importedAt.localeCompare(a.importedAt));
  }

  async function importFrom(open: () => Promise<ModelImportSource>, importOptions: ImportOptions = {}) {
    const { onProgress, signal } = importOptions;
    const report = (progress: ImportProgress) => onProgress?.(progress);
    return locks.exclusive(async () => {
      await removeIncomplete();
      const temporary: StoragePath = [MODELS_FOLDER, `${IMPORTING_PREFIX}${randomId()}`];
      /** Set once files are moved into `pygbox-models/<id>/`: a failure after it removes that too. */
      let installing: StoragePath | undefined;
      try {
        signal?.throwIfAborted();
        report({ phase: 'reading', doneBytes: 0, totalBytes: 0 });
        const source = await open();
        checkSourcePaths(source);
        const manifestBytes = await readWhole(source, MODEL_MANIFEST_PATH, signal);
        const id = bytesToHex(sha256(manifestBytes));
        const manifest = parseModelManifest(source, manifestBytes);
        const totalBytes = manifestBytes.length + manifest.files.reduce((sum, file) => sum + file.bytes, 0);
        report({ phase: 'checking', doneBytes: 0, totalBytes });
        checkListedFiles(source, manifest);
        const existing = await load(id);
        if (existing !== undefined) {
          // Imported before, and checked then: copying gigabytes again would only need the space
          // twice over (and fail on a nearly full disk) to end with the same model.
          report({ phase: 'done', doneBytes: totalBytes, totalBytes });
          return existing;
        }

        await writeBytes([...temporary, MODEL_MANIFEST_PATH], manifestBytes);
        let doneBytes = manifestBytes.length;
        for (const file of manifest.files) {
          report({ phase: 'writing', file: file.path, doneBytes, totalBytes });
          const writer = await storage.create([...temporary, ...segments(file.path)]);
          const hash = sha256.create();
          let bytes = 0;
          // One write in flight while the next chunk is hashed: storage and hashing overlap.
          let writing: Promise<void> = Promise.resolve();
          try {
            await source.stream(
              file.path,
              async (chunk) => {
                bytes += chunk.length;
                if (bytes > file.bytes) {
                  throw sourceProblem(
                    source,
                    file.path,
                    `holds more than the ${file.bytes} bytes ${MODEL_MANIFEST_PATH} lists`,
                    HINT_EXPORT_AGAIN,
                  );
                }
                hash.update(chunk);
                await writing;
                writing = writer.write(chunk);
                // Marked handled here; awaited before the next write or after the last chunk.
                writing.catch(() => undefined);
                doneBytes += chunk.length;
                report({ phase: 'writing', file: file.path, doneBytes, totalBytes });
              },
              signal,
            );
            await writing;
          } catch (error) {
            await writer.abort();
            throw error;
          }
          if (bytes !== file.bytes) {
            await writer.abort();
            throw sourceProblem(
              source,
              file.path,
              `holds ${bytes} bytes; ${MODEL_MANIFEST_PATH} lists ${file.bytes}`,
              HINT_EXPORT_AGAIN,
            );
          }
          if (bytesToHex(hash.digest()) !== file.sha256) {
            await writer.abort();
            throw sourceProblem(
              source,
              file.path,
              `does not match the sha256 in ${MODEL_MANIFEST_PATH}: the file is damaged or was changed`,
              HINT_EXPORT_AGAIN,
            );
          }
          await writer.close();
        }

        const target = folderOf(id);
        installing = target;
        await storage.remove(target);
        for (const path of [MODEL_MANIFEST_PATH, ...manifest.files.map((file) => file.path)]) {
          const parts = segments(path);
          await storage.moveFile([...temporary, ...parts], [...target, ...parts.slice(0, -1)]);
        }
        const marker: InstalledMarker = { id, importedAt: now().toISOString(), totalBytes };
        await writeBytes(
          [...target, INSTALLED_MARKER_NAME],
          new TextEncoder().encode(JSON.stringify(marker)),
        );
        await storage.remove(temporary);
        report({ phase: 'done', doneBytes: totalBytes, totalBytes });
        const installed = await load(id);
        if (installed === undefined) throw new Error('the installed model could not be read back');
        return installed;
      } catch (error) {
        await storage.remove(temporary).catch(() => undefined);
        // Moved but not marked (the marker's write failed): unfinished, and it holds the space.
        if (installing !== undefined) await storage.remove(installing).catch(() => undefined);
        throw asImportError(error);
      }
    });
  }

  async function writeBytes(path: StoragePath, bytes: Uint8Array): Promise<void> {
    const writer = await storage.create(path);
    try {
      await writer.write(bytes);
      await writer.close();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  function files(id: string): ModelFileSource {
    if (!sha256HexSchema.safeParse(id).success) {
      throw new PygboxError('usage', 'is not an installed model id', {
        place: { field: 'model' },
        hint: 'Pick a model from the models page; an id is the sha256 of its pygbox-model.json.',
      });
    }
    let installed: Promise<boolean> | undefined;
    return {
      async read(path) {
        if (entryPathProblem(path) !== undefined || path === INSTALLED_MARKER_NAME) return undefined;
        installed ??= readMarker(id).then((marker) => marker !== undefined);
        if (!(await installed)) {
          installed = undefined;
          throw new PygboxError(
            'store-failed',
            'this model is not installed (it was deleted or its import did not finish)',
            {
              place: { field: 'model' },
              hint: 'Import the model again on the models page.',
            },
          );
        }
        return storage.read([...folderOf(id), ...segments(path)]);
      },
    };
  }

  return {
    list,
    get: load,
    files,
    importFrom,
    delete: (id) =>
      locks.exclusive(async () => {
        if (!sha256HexSchema.safeParse(id).success) return false;
        const existed = (await storage.list([MODELS_FOLDER])).some((entry) => entry.name === id);
        // The marker goes first: a delete cut short leaves an unfinished folder, never a broken model.
        await storage.remove([...folderOf(id), INSTALLED_MARKER_NAME]);
        await storage.remove(folderOf(id));
        return existed;
      }),
    deleteAll: () => locks.exclusive(() => storage.remove([MODELS_FOLDER])),
  };
}

async function readWhole(
  source: ModelImportSource,
  path: string,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await source.stream(path, async (chunk) => void chunks.push(chunk.slice()), signal);
  const whole = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  return whole;
}

/** Storage failures and cancellation as PygboxErrors; the import's own errors pass through. */
function asImportError(error: unknown): PygboxError {
  if (error instanceof PygboxError) return error;
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'QuotaExceededError') {
    return new PygboxError('store-quota', 'there is not enough storage for this model', {
      place: { file: MODELS_FOLDER },
      hint: 'Free disk space or delete models you no longer use, then import again. Nothing was stored.',
      cause: error,
    });
  }
  if (name === 'AbortError') {
    return new PygboxError('usage', 'the import was cancelled', {
      place: { file: MODELS_FOLDER },
      hint: 'Nothing was stored; import again when you want the model.',
      cause: error,
    });
  }
  return new PygboxError('store-failed', 'the model could not be stored in the browser', {
    place: { file: MODELS_FOLDER },
    hint: 'Nothing was stored. Check that the browser is not in a private window and the disk is not full, then import again.',
    cause: error,
  });
}
