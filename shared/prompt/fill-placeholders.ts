import { USER_SPEAKER } from './prompt-format.ts';

const PLACEHOLDER = /\{\{(user|char)\}\}/giu;

/**
 * Anonymized texts say `{{user}}` and `{{char}}`. In a prompt the user is `You` (the name the model
 * learns to address, so no real name is ever needed at chat time) and the character is itself.
 * Case-insensitive because card authors write `{{User}}` and `{{Char}}` too. `userName` is only for
 * the screen (the chat page shows the user's display name); prompts always leave it `You`.
 */
export function fillPlaceholders(
  text: string,
  characterName: string,
  userName: string = USER_SPEAKER,
): string {
  return text.replace(PLACEHOLDER, (_match, which: string) =>
    which.toLowerCase() === 'user' ? userName : characterName,
  );
}
