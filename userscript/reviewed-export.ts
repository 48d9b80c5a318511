import { PygboxError } from '../shared/errors/pygbox-error.ts';
import {
  previewStoreExport,
  type StoreExportPreview,
  type StoreExportZip,
  writeStoreExportZip,
} from '../shared/export/export-store.ts';
import type { PygboxStore } from '../shared/store/pygbox-store.ts';
import type { CompatFormat } from '../shared/zip/export-manifest.ts';

/**
 * The export the user last saw in the panel. The zip is written from that very preview, never from
 * a fresh read of the store: the hook and a running dump keep adding chats, and a chat the user has
 * not looked at must not leave with the ones they have. Changing the redaction settings forgets the
 * preview until a new one is shown, so a word the user just added can never be left out.
 */
export interface ReviewedExport {
  /**
   * Reads the store and remembers the result as what the user is shown; undefined when a later
   * review or a settings change came first (that one is what the panel must show).
   */
  review(): Promise<StoreExportPreview | undefined>;
  /** Forgets the shown preview (the settings it was made with changed). */
  forget(): void;
  /** The zip of exactly the last reviewed preview. */
  write(formats: readonly CompatFormat[]): Promise<StoreExportZip>;
}

export function createReviewedExport(store: () => Promise<PygboxStore>): ReviewedExport {
  let reviewed: StoreExportPreview | undefined;
  let generation = 0;
  return {
    async review() {
      generation += 1;
      const mine = generation;
      const preview = await previewStoreExport(await store());
      // A later review or a settings change won the race: what it shows is what gets written.
      if (mine !== generation) return undefined;
      reviewed = preview;
      return preview;
    },
    forget() {
      generation += 1;
      reviewed = undefined;
    },
    async write(formats) {
      if (reviewed === undefined) {
        throw new PygboxError('usage', 'there is no current preview of the export', {
          hint: 'Press "Preview export", check what it shows, then press "Export zip".',
        });
      }
      return writeStoreExportZip(reviewed, { formats });
    },
  };
}
