import browser from 'webextension-polyfill';
import { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { formatIssuePath } from '../../shared/errors/zod-issue-path.ts';
import { compatFormatSchema } from '../../shared/zip/export-manifest.ts';

/**
 * The extension's own options, in `storage.local`: which compatible formats go into the export zip
 * and where "Upload" sends it. The redaction words and the user's names are not here: they live in
 * the store's settings, where the export reads them (shared/store/store-settings.ts).
 */
export const extensionOptionsSchema = z.object({
  formats: z.array(compatFormatSchema).transform((formats) => [...new Set(formats)]),
  /** Empty until the user sets one: there is no default collection server. */
  uploadEndpoint: z.string().trim().max(2_000),
});
export type ExtensionOptions = z.infer<typeof extensionOptionsSchema>;

export const DEFAULT_EXTENSION_OPTIONS: ExtensionOptions = { formats: [], uploadEndpoint: '' };
const KEY = 'options';

/** Options as stored; damaged or missing ones read as the defaults (they hold no data to lose). */
export async function readExtensionOptions(): Promise<ExtensionOptions> {
  const stored: Record<string, unknown> = await browser.storage.local.get(KEY);
  const parsed = extensionOptionsSchema.safeParse(stored[KEY]);
  return parsed.success ? parsed.data : structuredClone(DEFAULT_EXTENSION_OPTIONS);
}

export async function writeExtensionOptions(
  options: z.input<typeof extensionOptionsSchema>,
): Promise<ExtensionOptions> {
  const parsed = extensionOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? '' : formatIssuePath(issue.path);
    throw new PygboxError('usage', `the options are invalid at ${field || 'the top level'}`, {
      hint: 'Pick formats from the list and type the upload address in full (https://…).',
      place: { field },
    });
  }
  await browser.storage.local.set({ [KEY]: parsed.data });
  return parsed.data;
}
