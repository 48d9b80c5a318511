import { captureEndpoint } from '../cai/capture-endpoint.ts';
import type { CaptureRecord } from '../capture/capture-record.ts';
import { PygboxError } from '../errors/pygbox-error.ts';

/**
 * Reads where the next page is from a recorded page. A page the dumper cannot read stops that
 * chat, not the dump, and the page itself was already kept for a newer adapter.
 */
export function parsePaging<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  record: CaptureRecord,
): T {
  const parsed = schema.safeParse(record.body);
  if (parsed.success) return parsed.data;
  throw new PygboxError(
    'cai-unknown-shape',
    'a page had a shape the dumper does not know; the page was kept',
    {
      hint: 'Character.AI may have changed its site: update Pygbox. What was fetched so far is saved.',
      place: { field: captureEndpoint(record.url) },
    },
  );
}
