/// <reference lib="dom.asynciterable" />
import type { ModelStorage, StorageEntry, StorageFileWriter, StoragePath } from './model-storage.ts';

/**
 * ModelStorage on the origin private file system of the extension's origin: large, per profile,
 * invisible to web pages, and readable as lazy `File`s (`getFile()`), so ONNX Runtime can be handed
 * a multi-GB model without it ever sitting in JavaScript memory. Written with
 * `FileSystemFileHandle.createWritable()`, which extension pages have (sync access handles need a
 * worker); a writable stream commits at `close()`, so a file that is half written never appears.
 */
export class OpfsModelStorage implements ModelStorage {
  readonly #root: () => Promise<FileSystemDirectoryHandle>;

  constructor(root: () => Promise<FileSystemDirectoryHandle> = () => navigator.storage.getDirectory()) {
    this.#root = root;
  }

  async list(folder: StoragePath): Promise<StorageEntry[]> {
    const directory = await this.#folder(folder, false);
    if (directory === undefined) return [];
    const entries: StorageEntry[] = [];
    for await (const handle of directory.values()) entries.push({ name: handle.name, kind: handle.kind });
    return entries;
  }

  async read(file: StoragePath): Promise<Blob | undefined> {
    const handle = await this.#file(file, false);
    return handle === undefined ? undefined : handle.getFile();
  }

  async create(file: StoragePath): Promise<StorageFileWriter> {
    const handle = await this.#file(file, true);
    if (handle === undefined) throw new DOMException('could not create the file', 'NotFoundError');
    const writable = await handle.createWritable();
    return {
      write: async (bytes) => {
        // The stream takes ownership of what it is given; the caller's chunk may be reused.
        await writable.write(new Uint8Array(bytes));
      },
      close: () => writable.close(),
      abort: async () => {
        await writable.abort().catch(() => undefined);
      },
    };
  }

  async moveFile(file: StoragePath, toFolder: StoragePath): Promise<void> {
    const handle = await this.#file(file, false);
    const target = await this.#folder(toFolder, true);
    if (handle === undefined || target === undefined) throw new DOMException('no such file', 'NotFoundError');
    const move = Reflect.get(handle, 'move');
    if (typeof move === 'function') {
      // Chromium moves inside OPFS without copying the bytes (FileSystemHandle.move, not yet in lib.dom).
      await Reflect.apply(move, handle, [target]);
      return;
    }
    const writable = await (await target.getFileHandle(handle.name, { create: true })).createWritable();
    await (await handle.getFile()).stream().pipeTo(writable);
    await this.remove(file);
  }

  async remove(path: StoragePath): Promise<void> {
    const name = path[path.length - 1];
    const parent = await this.#folder(path.slice(0, -1), false);
    if (name === undefined || parent === undefined) return;
    try {
      await parent.removeEntry(name, { recursive: true });
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
    }
  }

  async #folder(path: StoragePath, create: boolean): Promise<FileSystemDirectoryHandle | undefined> {
    let directory = await this.#root();
    for (const name of path) {
      try {
        directory = await directory.getDirectoryHandle(name, { create });
      } catch (error) {
        if (!create && isMissing(error)) return undefined;
        throw error;
      }
    }
    return directory;
  }

  async #file(path: StoragePath, create: boolean): Promise<FileSystemFileHandle | undefined> {
    const name = path[path.length - 1];
    const parent = await this.#folder(path.slice(0, -1), create);
    if (name === undefined || parent === undefined) return undefined;
    try {
      return await parent.getFileHandle(name, { create });
    } catch (error) {
      if (!create && isMissing(error)) return undefined;
      throw error;
    }
  }
}

/** No such entry, or one of the other kind (a file where a folder was asked for, or back). */
function isMissing(error: unknown): boolean {
  return (
    error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError')
  );
}
