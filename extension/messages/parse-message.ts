import type { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { formatIssuePath } from '../../shared/errors/zod-issue-path.ts';

/**
 * Parses a message that crossed a context boundary (runtime messages, window.postMessage). A
 * mismatch names the channel and the field, never the value: messages carry chat data.
 */
export function parseMessage<T>(schema: z.ZodType<T>, value: unknown, channel: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? '' : formatIssuePath(issue.path);
  throw new PygboxError(
    'message-invalid',
    `a ${channel} message is invalid${field === '' ? '' : ` at ${field}`} (${issue?.code ?? 'invalid'})`,
    {
      hint: 'The parts of the extension disagree on a message: reload the extension and the character.ai tabs.',
      place: { file: channel, field },
    },
  );
}
