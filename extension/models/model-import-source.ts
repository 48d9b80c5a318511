import { Inflate } from 'fflate';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { HINT_HOSTILE_ZIP, HINT_NOT_PYGBOX_ZIP } from '../../shared/zip/zip-invalid-error.ts';
import { blobChunks } from './blob-chunks.ts';
import { type BlobZipEntry, readBlobZipDirectory } from './blob-zip-directory.ts';
import { Crc32Stream } from './crc32-stream.ts';
import { MODEL_ARCHIVE_NAME, modelZipProblem } from './model-zip-problem.ts';

/**
 * Where an import reads the model's files from: a zip (by random access) or the files of a picked
 * folder. The importer sees only paths, sizes and chunk streams, so the zip and the folder go
 * through the very same checks.
 */
export interface ModelImportSource {
  /** How errors name the whole source. */
  label: string;
  /** Every file's path, `/`-separated, relative to the model folder. */
  paths(): readonly string[];
  /** The file's size in bytes (uncompressed), or undefined when the source has no such file. */
  size(path: string): number | undefined;
  /**
   * Feeds the file's bytes in order, in chunks of a few MB, awaiting each; throws a PygboxError
   * naming the file when the data is truncated, inflates wrongly or fails its CRC.
   */
  stream(path: string, onChunk: (bytes: Uint8Array) => Promise<void>, signal?: AbortSignal): Promise<void>;
}

/** Small enough to keep memory flat, large enough that per-read overhead does not matter. */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export async function zipImportSource(zip: Blob): Promise<ModelImportSource> {
  const entries = await readBlobZipDirectory(zip);
  // Directory entries (`onnx/`) carry no data; zips made by hand with `zip -r` have them.
  const files = new Map(
    entries.filter((entry) => !entry.name.endsWith('/')).map((entry) => [entry.name, entry]),
  );
  const byPath = underModelRoot(files);
  return {
    label: MODEL_ARCHIVE_NAME,
    paths: () => [...byPath.keys()],
    size: (path) => byPath.get(path)?.uncompressedSize,
    async stream(path, onChunk, signal) {
      const entry = byPath.get(path);
      if (entry === undefined) throw new Error(`no entry ${path}`);
      await streamZipEntry(zip, entry, onChunk, signal);
    },
  };
}

/**
 * `pygbox export` puts the files at the zip's root; a user who zipped the folder by hand (or picked
 * the folder above it) gets them under one top folder, next to `__MACOSX/` when macOS made the zip.
 * The folder holding the only `pygbox-model.json` one level down is then read as the model, and
 * what lies outside it is ignored like any file the descriptor does not list.
 */
function modelRoot(names: readonly string[]): string {
  if (names.includes('pygbox-model.json')) return '';
  const nested = names.filter(
    (name) => /^[^/]+\/pygbox-model\.json$/.test(name) && !name.startsWith('__MACOSX/'),
  );
  return nested.length === 1 && nested[0] !== undefined
    ? nested[0].slice(0, -'pygbox-model.json'.length)
    : '';
}

/** The entries under the model's root, keyed by their path inside it. */
function underModelRoot<T>(byName: ReadonlyMap<string, T>): Map<string, T> {
  const root = modelRoot([...byName.keys()]);
  return new Map(
    [...byName]
      .filter(([name]) => name.startsWith(root))
      .map(([name, value]) => [name.slice(root.length), value]),
  );
}

async function streamZipEntry(
  zip: Blob,
  entry: BlobZipEntry,
  onChunk: (bytes: Uint8Array) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const crc = new Crc32Stream();
  let produced = 0;
  let read = 0;
  const pending: Uint8Array[] = [];
  let ended = entry.method === 0;
  const inflater =
    entry.method === 8
      ? new Inflate((chunk, final) => {
          pending.push(chunk);
          if (final) ended = true;
        })
      : undefined;
  const end = entry.dataOffset + entry.compressedSize;
  // A deflate stream of no bytes never sends its final block: it stays `ended = false`, truncated.
  for await (const { bytes, expected } of blobChunks(
    zip,
    entry.dataOffset,
    end,
    READ_CHUNK_BYTES,
    entry.name,
  )) {
    signal?.throwIfAborted();
    if (bytes.length !== expected) {
      throw modelZipProblem(entry.name, 'is truncated: the zip ends inside its data', HINT_NOT_PYGBOX_ZIP);
    }
    const last = read + bytes.length === entry.compressedSize;
    read += bytes.length;
    // Deflate expands up to 1032 times and fflate hands over all a push produced at once: fed a
    // whole read chunk, a bomb would fill gigabytes before the size check below could refuse it.
    const slices = inflater === undefined ? [bytes] : inflateSlices(bytes);
    for (const [index, slice] of slices.entries()) {
      if (inflater === undefined) pending.push(slice);
      else {
        try {
          inflater.push(slice, last && index === slices.length - 1);
        } catch {
          throw modelZipProblem(entry.name, 'has damaged or truncated compressed data', HINT_NOT_PYGBOX_ZIP);
        }
      }
      for (const chunk of pending.splice(0)) {
        produced += chunk.length;
        if (produced > entry.uncompressedSize) {
          throw modelZipProblem(entry.name, 'inflates to more bytes than the zip declares', HINT_HOSTILE_ZIP);
        }
        crc.update(chunk);
        await onChunk(chunk);
      }
    }
  }
  if (!ended) throw modelZipProblem(entry.name, 'has truncated compressed data', HINT_NOT_PYGBOX_ZIP);
  if (produced !== entry.uncompressedSize) {
    throw modelZipProblem(
      entry.name,
      `holds ${produced} bytes where the zip declares ${entry.uncompressedSize}`,
      HINT_NOT_PYGBOX_ZIP,
    );
  }
  if (crc.digest() !== entry.crc32) {
    throw modelZipProblem(entry.name, 'fails its CRC-32 check: the data is damaged', HINT_NOT_PYGBOX_ZIP);
  }
}

/** At most 1032 times this (66 MB) comes out of one push into the inflater. */
export const INFLATE_INPUT_BYTES = 64 * 1024;

function inflateSlices(bytes: Uint8Array): Uint8Array[] {
  const slices: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += INFLATE_INPUT_BYTES) {
    slices.push(bytes.subarray(at, at + INFLATE_INPUT_BYTES));
  }
  return slices;
}

/** What `<input webkitdirectory>` gives: files whose `webkitRelativePath` starts with the folder. */
export interface PickedFile extends Blob {
  readonly name: string;
  readonly webkitRelativePath?: string;
}

export const MODEL_FOLDER_NAME = 'model folder';

/** The picked folder's files keyed by their path minus the picked (top) folder. */
export function folderImportSource(files: readonly PickedFile[]): ModelImportSource {
  const picked = new Map<string, PickedFile>();
  for (const file of files) {
    const relative =
      file.webkitRelativePath !== undefined && file.webkitRelativePath !== ''
        ? file.webkitRelativePath
        : file.name;
    const slash = relative.indexOf('/');
    const path = slash === -1 ? relative : relative.slice(slash + 1);
    if (picked.has(path)) {
      throw new PygboxError('input-unreadable', 'appears more than once', {
        place: { file: path },
        hint: 'Pick one model folder, the one `pygbox export` wrote.',
      });
    }
    picked.set(path, file);
  }
  const byPath = underModelRoot(picked);
  return {
    label: MODEL_FOLDER_NAME,
    paths: () => [...byPath.keys()],
    size: (path) => byPath.get(path)?.size,
    async stream(path, onChunk, signal) {
      const file = byPath.get(path);
      if (file === undefined) throw new Error(`no file ${path}`);
      for await (const { bytes } of blobChunks(file, 0, file.size, READ_CHUNK_BYTES, path)) {
        signal?.throwIfAborted();
        await onChunk(bytes);
      }
    },
  };
}
