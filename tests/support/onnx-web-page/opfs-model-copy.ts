import type { ModelFileSource } from '../../../shared/model/model-file-source.ts';
import { MODEL_MANIFEST_PATH, modelManifestSchema } from '../../../shared/model/model-manifest.ts';

/**
 * A model folder served next to a test or bench page (`./model/…`), copied into OPFS under
 * `folder` and read back as a ModelFileSource, as extension/models' installedModelFiles reads an
 * installed model: File objects that stay on disk until the runtime reads them. The runtime check
 * and the browser chat bench both load through this, so they measure the extension's path.
 */
export interface OpfsModelCopy {
  files: ModelFileSource;
  /** Copies every file the folder's pygbox-model.json lists (and the manifest); returns the bytes. */
  install(): Promise<number>;
}

export function opfsModelCopy(folder: string): OpfsModelCopy {
  async function folderHandle(path: readonly string[], create: boolean): Promise<FileSystemDirectoryHandle> {
    let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create });
    for (const part of path) dir = await dir.getDirectoryHandle(part, { create });
    return dir;
  }

  const files: ModelFileSource = {
    async read(path) {
      const parts = path.split('/');
      const name = parts.pop() ?? '';
      try {
        return await (await (await folderHandle(parts, false)).getFileHandle(name)).getFile();
      } catch (error) {
        if (error instanceof DOMException && error.name === 'NotFoundError') return undefined;
        throw error;
      }
    },
  };

  async function install(): Promise<number> {
    const manifest = modelManifestSchema.parse(await (await fetch(`./model/${MODEL_MANIFEST_PATH}`)).json());
    let bytes = 0;
    for (const path of [MODEL_MANIFEST_PATH, ...manifest.files.map((file) => file.path)]) {
      const parts = path.split('/');
      const name = parts.pop() ?? '';
      const writable = await (
        await (await folderHandle(parts, true)).getFileHandle(name, { create: true })
      ).createWritable();
      const response = await fetch(`./model/${path}`);
      if (response.body === null) throw new Error(`no body for ${path}`);
      await response.body.pipeTo(writable);
      bytes += (await files.read(path))?.size ?? 0;
    }
    return bytes;
  }

  return { files, install };
}
