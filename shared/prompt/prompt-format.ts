/**
 * The Pygmalion prompt format, byte for byte the one the chat page sends the model and the dataset
 * builder trains on:
 *
 *   {char}'s Persona: {persona}
 *   Scenario: {scenario}
 *   <START>
 *   {example dialogue, when the character has one}
 *   You: {user text}
 *   {char}: {bot text}
 *   {char}:
 *
 * The persona and scenario lines are left out when empty, and so is the example dialogue (a
 * character without one renders exactly as before it existed, so the version did not change). The
 * reply follows the final `{char}:` after one space, and generation stops at `\nYou:` or the
 * end-of-sequence token. To continue a reply, the prompt ends with `{char}: {the reply so far}`
 * instead of the bare cue. Bump the version whenever a byte of an existing rendering changes:
 * datasets and models record the version they used.
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
  /**
   * Example conversations (a card's `mes_example`, a hand-written character's examples), shown
   * right after `<START>` as the Pygmalion model card advises: lines as written, `{{user}}` as
   * `You`, `{{char}}` as the name, further `<START>` separators between examples kept. Part of the
   * fixed header: trimming drops history lines, never these.
   */
  exampleDialogue?: string;
}

export interface PromptTurn {
  role: 'user' | 'char';
  text: string;
}
