const PLACEHOLDER = /\{\{(user|char)\}\}/giu;

/** The speaker label and `{{user}}` on screen: the user's display name, or "You" when none is set. */
export function userLabel(displayName: string): string {
  const name = displayName.trim();
  return name === '' ? 'You' : name;
}

/**
 * A stored text as the page shows it: `{{user}}` as the user's display name, `{{char}}` as the
 * character's name. Only for the screen: stored texts and prompts keep the placeholders (the
 * prompt says `You`), so the display name never reaches the model or an export.
 */
export function displayText(text: string, characterName: string, displayName: string): string {
  return text.replace(PLACEHOLDER, (_match, which: string) =>
    which.toLowerCase() === 'user' ? userLabel(displayName) : characterName.trim(),
  );
}
