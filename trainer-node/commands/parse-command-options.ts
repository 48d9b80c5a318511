import type { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';

/**
 * Every command's options go through its zod schema: Commander's own errors are poor for numbers
 * and ranges. The first problem becomes a usage error naming the option as the user typed it
 * (`--max-new-tokens`, not `maxNewTokens`) and the help to read.
 */
export function parseCommandOptions<T>(schema: z.ZodType<T>, raw: unknown, command: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const option = String(issue?.path[0] ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  throw new PygboxError('usage', `invalid --${option}: ${issue?.message ?? 'invalid value'}`, {
    hint: `see pygbox ${command} --help`,
  });
}
