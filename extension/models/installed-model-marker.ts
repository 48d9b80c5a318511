import { z } from 'zod';
import { sha256HexSchema } from '../../shared/zip/sha256-hex.ts';

/**
 * `pygbox-installed.json`: the last file an import writes into `pygbox-models/<id>/`. A folder
 * without it is an install that was interrupted (tab closed, disk full) and is removed, never used.
 */
export const INSTALLED_MARKER_NAME = 'pygbox-installed.json';

export const installedMarkerSchema = z.strictObject({
  id: sha256HexSchema,
  importedAt: z.iso.datetime(),
  totalBytes: z.number().int().min(0),
});
export type InstalledMarker = z.infer<typeof installedMarkerSchema>;
