import type { Page } from 'playwright-core';

/**
 * Reads the extension's OPFS from one of its pages, bypassing the model library, so a test checks
 * what the real storage holds rather than what the library says it holds.
 */

/** Every file under OPFS `pygbox-models/`, as `folder/path` with its sha256 (hex). */
export function storedModelFiles(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const hex = (buffer: ArrayBuffer) =>
      [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    const out: Record<string, string> = {};
    const walk = async (folder: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      const values = Reflect.get(folder, 'values') as () => AsyncIterable<FileSystemHandle>;
      for await (const handle of values.call(folder)) {
        if (handle instanceof FileSystemDirectoryHandle) await walk(handle, `${prefix}${handle.name}/`);
        else if (handle instanceof FileSystemFileHandle) {
          const bytes = await (await handle.getFile()).arrayBuffer();
          out[`${prefix}${handle.name}`] = hex(await crypto.subtle.digest('SHA-256', bytes));
        }
      }
    };
    const root = await navigator.storage.getDirectory();
    try {
      await walk(await root.getDirectoryHandle('pygbox-models'), '');
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
    }
    return out;
  });
}

/** One stored file's text, by its path under `pygbox-models/`; undefined when it is not there. */
export function storedModelText(page: Page, path: string): Promise<string | undefined> {
  return page.evaluate(async (parts) => {
    let folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('pygbox-models');
    try {
      for (const name of parts.slice(0, -1)) folder = await folder.getDirectoryHandle(name);
      return await (await (await folder.getFileHandle(parts[parts.length - 1] ?? '')).getFile()).text();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NotFoundError') return undefined;
      throw error;
    }
  }, path.split('/'));
}
