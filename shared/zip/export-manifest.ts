import { z } from 'zod';
import {
  CHATS_PATH,
  DUMPER_PATH_PATTERN,
  PREFERENCES_PATH,
  SILLYTAVERN_PATH_PATTERN,
} from './export-paths.ts';
import { sha256HexSchema } from './sha256-hex.ts';

/**
 * `manifest.json` of a pygbox export: what wrote it, how many chats it holds, and the size and
 * sha256 of every other entry. Strict, like AnonChat: the manifest leaves the machine too, so an
 * unexpected field is an error rather than a place for data to slip out.
 */

export const EXPORT_FORMAT = 'pygbox-export';
/**
 * The newest format version, written when the zip holds preference records. Version 2 is version 1
 * plus `preferences.jsonl` (listed after chats.jsonl) and `counts.preferences`; a zip without
 * preference records is still written as version 1, byte for byte what older Pygbox wrote, so
 * every reader takes it. The version moves only for zips that hold preferences: a version-1 reader
 * (strict manifest) would refuse them anyway, and this way it says "written by a newer Pygbox,
 * update" instead of "not a pygbox zip". Version 2 readers read both.
 */
export const EXPORT_FORMAT_VERSION = 2;
/** The version of a zip without preference records. */
export const EXPORT_FORMAT_VERSION_WITHOUT_PREFERENCES = 1;
export const READABLE_EXPORT_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** Formats other tools read, written on request next to `chats.jsonl`. */
export const compatFormatSchema = z.enum(['dumper', 'sillytavern']);
export type CompatFormat = z.infer<typeof compatFormatSchema>;

/** Canonical order: whatever order the caller asks in, manifests and zips list formats this way. */
export const COMPAT_FORMAT_ORDER: readonly CompatFormat[] = compatFormatSchema.options;

const daySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
const countSchema = z.number().int().min(0);

export const manifestFileSchema = z
  .object({
    path: z
      .string()
      .refine(
        (path) =>
          path === CHATS_PATH ||
          path === PREFERENCES_PATH ||
          DUMPER_PATH_PATTERN.test(path) ||
          SILLYTAVERN_PATH_PATTERN.test(path),
        'a path a pygbox export writes (chats.jsonl, preferences.jsonl or a numbered compat file)',
      ),
    bytes: countSchema,
    sha256: sha256HexSchema,
  })
  .strict();
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const exportManifestSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    formatVersion: z.union([
      z.literal(EXPORT_FORMAT_VERSION_WITHOUT_PREFERENCES),
      z.literal(EXPORT_FORMAT_VERSION),
    ]),
    tool: z.object({ name: z.literal('pygbox'), version: z.string().min(1) }).strict(),
    anonymizerVersion: z.string().min(1),
    createdDay: daySchema,
    counts: z
      .object({
        chats: countSchema,
        messages: countSchema,
        characters: countSchema,
        /** Version 2 only: the records in preferences.jsonl. */
        preferences: countSchema.optional(),
      })
      .strict(),
    formats: z
      .array(compatFormatSchema)
      .refine((formats) => new Set(formats).size === formats.length, 'each format once'),
    files: z
      .array(manifestFileSchema)
      .refine((files) => new Set(files.map((file) => file.path)).size === files.length, 'each path once')
      .refine((files) => files.some((file) => file.path === CHATS_PATH), `lists ${CHATS_PATH}`),
  })
  .strict()
  .superRefine((manifest, context) => {
    const hasFile = manifest.files.some((file) => file.path === PREFERENCES_PATH);
    const hasCount = manifest.counts.preferences !== undefined;
    const isV2 = manifest.formatVersion === EXPORT_FORMAT_VERSION;
    if (hasFile !== isV2) {
      context.addIssue({
        code: 'custom',
        path: ['files'],
        message: isV2 ? `version 2 lists ${PREFERENCES_PATH}` : `version 1 has no ${PREFERENCES_PATH}`,
      });
    }
    if (hasCount !== isV2) {
      context.addIssue({
        code: 'custom',
        path: ['counts', 'preferences'],
        message: isV2 ? 'version 2 counts preferences' : 'version 1 has no preference count',
      });
    }
  });
export type ExportManifest = z.infer<typeof exportManifestSchema>;

/** Just enough to tell "not ours" and "newer than us" apart from "ours but broken". */
export const manifestHeaderSchema = z.object({ format: z.unknown(), formatVersion: z.unknown() });
