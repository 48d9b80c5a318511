import browser from 'webextension-polyfill';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import {
  previewStoreExport,
  type StoreExportZip,
  writeStoreExportZip,
} from '../../shared/export/export-store.ts';
import type { PygboxStore } from '../../shared/store/pygbox-store.ts';
import type { CompatFormat } from '../../shared/zip/export-manifest.ts';
import { portableZipCodec } from '../../shared/zip/zip-codec.ts';

/**
 * The export zip, built in the extension page the user clicked in, then saved with `downloads`.
 *
 * Why in the page and not in the service worker that owns the store: a service worker cannot make a
 * blob URL for `downloads.download`, a data URL is capped near 2 MB, and runtime messages are JSON
 * (no bytes). The page opens the same IndexedDB (one origin) and reads it in transactions, so it
 * sees a consistent store while the worker keeps writing. Everything goes through the shared export
 * path: exclusions, redactions, the anonymizer and its audit, which fails closed.
 */
export async function buildExportZip(
  store: PygboxStore,
  formats: readonly CompatFormat[],
): Promise<StoreExportZip> {
  const preview = await previewStoreExport(store);
  // Ratings from the chat page are worth exporting on their own, without any captured chat.
  if (preview.audited.chats.length === 0 && preview.preferences.preferences.length === 0) {
    throw new PygboxError('usage', 'there is nothing to export yet', {
      hint: 'Browse your chats on character.ai, press "Dump all chats", or rate replies in the chat page first; excluded chats are left out.',
    });
  }
  return writeStoreExportZip(preview, { formats, codec: portableZipCodec });
}

/** Saves the zip under its own name (it holds only the day) in the browser's download folder. */
export async function downloadZip(zip: Pick<StoreExportZip, 'bytes' | 'fileName'>): Promise<number> {
  const url = URL.createObjectURL(new Blob([new Uint8Array(zip.bytes)], { type: 'application/zip' }));
  try {
    return await browser.downloads.download({
      url,
      filename: zip.fileName,
      saveAs: false,
      conflictAction: 'uniquify',
    });
  } catch (error) {
    throw new PygboxError('output-failed', 'the browser did not save the export zip', {
      hint: 'Check that downloads are allowed and the download folder is writable, then export again. Your data is kept.',
      place: { file: zip.fileName },
      cause: error,
    });
  } finally {
    // The download has its own reference to the bytes once it started; free the page's copy soon.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
