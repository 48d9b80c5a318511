import { fillPlaceholders } from '../../shared/prompt/fill-placeholders.ts';
import { USER_SPEAKER } from '../../shared/prompt/prompt-format.ts';

/** The speaker label and `{{user}}` on screen: the user's display name, or "You" when none is set. */
export function userLabel(displayName: string): string {
  const name = displayName.trim();
  return name === '' ? USER_SPEAKER : name;
}

/**
 * A stored text as the page shows it: `{{user}}` as the user's display name, `{{char}}` as the
 * character's name. Only for the screen: stored texts and prompts keep the placeholders (the
 * prompt says `You`), so the display name never reaches the model or an export.
 */
export function displayText(text: string, characterName: string, displayName: string): string {
  return fillPlaceholders(text, characterName.trim(), userLabel(displayName));
}
