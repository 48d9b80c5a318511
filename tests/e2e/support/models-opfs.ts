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
