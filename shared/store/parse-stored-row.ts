import type { z } from 'zod';
import { formatIssuePath } from '../errors/zod-issue-path.ts';
import { corruptRow } from './store-errors.ts';

/** Parses a value read from IndexedDB; a mismatch is an error naming the row, not a skipped row. */
export function parseStoredRow<T>(schema: z.ZodType<T>, value: unknown, store: string, keyLabel: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw corruptRow(store, keyLabel, issue === undefined ? '' : formatIssuePath(issue.path));
}
