import { PygboxError } from '../../shared/errors/pygbox-error.ts';

/**
 * An error in plain words with what to do. PygboxError messages name places, never user content;
 * anything else is described generically, since its text may quote a response.
 */
export function describeError(error: unknown): string {
  if (error instanceof PygboxError) return error.describe().replace('\n  hint: ', ' — ');
  return 'Something went wrong inside Pygbox. Reload the page and try again; your saved chats are kept.';
}
