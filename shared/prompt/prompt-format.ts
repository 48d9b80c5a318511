/**
 * The Pygmalion prompt format, byte for byte the one the chat page sends the model and the dataset
 * builder trains on:
 *
 *   {char}'s Persona: {persona}
 *   Scenario: {scenario}
 *   <START>
 *   You: {user text}
 *   {char}: {bot text}
 *   {char}:
 *
 * The persona and scenario lines are left out when empty. The reply follows the final `{char}:`
 * after one space, and generation stops at `\nYou:` or the end-of-sequence token. Bump the version
 * whenever a byte of the rendering changes: datasets and models record the version they used.
 */
export const PROMPT_FORMAT_VERSION = 1;

/** The name the user speaks under: `{{user}}` renders as this, never as a real name. */
export const USER_SPEAKER = 'You';

/** Separates the persona block from the dialogue (Pygmalion-6B's delimiter, used verbatim). */
export const START_MARKER = '<START>';

/** What ends a reply in generated text, besides the end-of-sequence token. */
export const REPLY_STOP = `\n${USER_SPEAKER}:`;

export interface PromptCharacter {
  /** The character's name as the prompt shows it (anonymized data keeps the character's own name). */
  name: string;
  persona?: string;
  scenario?: string;
}

export interface PromptTurn {
  role: 'user' | 'char';
  text: string;
}
