import type { ModelFileSource } from '../../shared/model/model-file-source.ts';
import type { ImportOptions, InstalledModel } from './installed-model.ts';
import { folderImportSource, type PickedFile, zipImportSource } from './model-import-source.ts';
import { createModelLibrary, type ModelLibrary, type ModelLibraryLocks } from './model-library-core.ts';
import { OpfsModelStorage } from './opfs-model-storage.ts';

export type { ImportOptions, ImportProgress, InstalledModel } from './installed-model.ts';

/**
 * The extension's installed models, kept in the origin private file system (OPFS) of the
 * extension's pages. See model-library-core.ts for the layout and the import's guarantees.
 */

const LOCK_NAME = 'pygbox-models';

/** Web Locks span every page of the extension: two tabs never import or clean up at once. */
const webLocks: ModelLibraryLocks = {
  async exclusive(task) {
    return await navigator.locks.request(LOCK_NAME, task);
  },
  async ifFree(task) {
    await navigator.locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => {
      if (lock !== null) await task();
    });
  },
};

let library: ModelLibrary | undefined;

function opfsLibrary(): ModelLibrary {
  library ??= createModelLibrary({ storage: new OpfsModelStorage(), locks: webLocks });
  return library;
}

export function listInstalledModels(): Promise<InstalledModel[]> {
  return opfsLibrary().list();
}

export function getInstalledModel(id: string): Promise<InstalledModel | undefined> {
  return opfsLibrary().get(id);
}

/** OPFS-backed: each read is a lazy `File` from `getFile()`, never the bytes in memory. */
export function installedModelFiles(id: string): ModelFileSource {
  return opfsLibrary().files(id);
}

export function importModelZip(file: Blob, options?: ImportOptions): Promise<InstalledModel> {
  return opfsLibrary().importFrom(() => zipImportSource(file), options);
}

/** `<input webkitdirectory>`: paths are `webkitRelativePath` minus the picked (top) folder. */
export function importModelFolder(files: readonly File[], options?: ImportOptions): Promise<InstalledModel> {
  const picked: readonly PickedFile[] = files;
  return opfsLibrary().importFrom(async () => folderImportSource(picked), options);
}

export function deleteInstalledModel(id: string): Promise<boolean> {
  return opfsLibrary().delete(id);
}

export function deleteAllModels(): Promise<void> {
  return opfsLibrary().deleteAll();
}
