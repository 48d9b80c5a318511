import { z } from 'zod';
import { CHATS_PATH, DUMPER_PATH_PATTERN, SILLYTAVERN_PATH_PATTERN } from './export-paths.ts';
import { sha256HexSchema } from './sha256-hex.ts';

/**
 * `manifest.json` of a pygbox export: what wrote it, how many chats it holds, and the size and
 * sha256 of every other entry. Strict, like AnonChat: the manifest leaves the machine too, so an
 * unexpected field is an error rather than a place for data to slip out.
 */

export const EXPORT_FORMAT = 'pygbox-export';
export const EXPORT_FORMAT_VERSION = 1;

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
          path === CHATS_PATH || DUMPER_PATH_PATTERN.test(path) || SILLYTAVERN_PATH_PATTERN.test(path),
        'a path a pygbox export writes (chats.jsonl or a numbered compat file)',
      ),
    bytes: countSchema,
    sha256: sha256HexSchema,
  })
  .strict();
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const exportManifestSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    formatVersion: z.literal(EXPORT_FORMAT_VERSION),
    tool: z.object({ name: z.literal('pygbox'), version: z.string().min(1) }).strict(),
    anonymizerVersion: z.string().min(1),
    createdDay: daySchema,
    counts: z.object({ chats: countSchema, messages: countSchema, characters: countSchema }).strict(),
    formats: z
      .array(compatFormatSchema)
      .refine((formats) => new Set(formats).size === formats.length, 'each format once'),
    files: z
      .array(manifestFileSchema)
      .refine((files) => new Set(files.map((file) => file.path)).size === files.length, 'each path once')
      .refine((files) => files.some((file) => file.path === CHATS_PATH), `lists ${CHATS_PATH}`),
  })
  .strict();
export type ExportManifest = z.infer<typeof exportManifestSchema>;

/** Just enough to tell "not ours" and "newer than us" apart from "ours but broken". */
export const manifestHeaderSchema = z.object({ format: z.unknown(), formatVersion: z.unknown() });
