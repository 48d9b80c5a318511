import { z } from 'zod';

/** Ids arrive as strings on neo and as numbers on the legacy API (user ids, message ids). */
export const siteIdSchema = z.union([z.string(), z.number()]).transform((value) => String(value));

/** A text field the site may omit or send as null; both read as absent. */
export const optionalTextSchema = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);
