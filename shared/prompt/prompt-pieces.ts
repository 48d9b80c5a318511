import { fillPlaceholders } from './fill-placeholders.ts';
import { type PromptCharacter, type PromptTurn, START_MARKER, USER_SPEAKER } from './prompt-format.ts';

/**
 * A prompt cut into the pieces that are kept or dropped whole: the header (persona, scenario,
 * `<START>`, example dialogue), one line per history turn, and the cue (`\n{char}:`, or
 * `\n{char}: {partial}` when a reply is continued) the reply follows. Joining them in order gives
 * the prompt; every piece after the header starts with its own newline, so dropping the oldest
 * lines leaves a well-formed prompt. Texts are trimmed and their placeholders filled.
 */
export interface PromptPieces {
  header: string;
  lines: string[];
  cue: string;
}

export function promptHeader(character: PromptCharacter): string {
  const name = character.name.trim();
  const parts: string[] = [];
  const persona = fillPlaceholders(character.persona ?? '', name).trim();
  const scenario = fillPlaceholders(character.scenario ?? '', name).trim();
  if (persona !== '') parts.push(`${name}'s Persona: ${persona}`);
  if (scenario !== '') parts.push(`Scenario: ${scenario}`);
  parts.push(START_MARKER);
  const examples = exampleDialogueBlock(character.exampleDialogue ?? '', name);
  if (examples !== '') parts.push(examples);
  return parts.join('\n');
}

/**
 * The example dialogue as it follows the header's `<START>`: line endings made `\n`, placeholders
 * filled, outer blank space trimmed. Cards begin each example with `<START>`; the first one would
 * repeat the header's own marker, so it is dropped, and the ones between examples stay.
 */
export function exampleDialogueBlock(exampleDialogue: string, characterName: string): string {
  let text = fillPlaceholders(exampleDialogue.replace(/\r\n?/gu, '\n'), characterName.trim()).trim();
  while (text.startsWith(START_MARKER)) text = text.slice(START_MARKER.length).trim();
  return text;
}

/** The speaker prefix of a history line, newline included: `\nYou:` or `\n{char}:`. */
export function speakerCue(role: PromptTurn['role'], characterName: string): string {
  return `\n${role === 'user' ? USER_SPEAKER : characterName.trim()}:`;
}

/** A turn's text as it follows its speaker cue: one space, then the trimmed, filled text. */
export function turnBody(text: string, characterName: string): string {
  return ` ${fillPlaceholders(text, characterName.trim()).trim()}`;
}

/**
 * The reply so far, as the prompt of a continuation ends with it after `{char}:` (the body of a
 * turn), or '' when there is nothing to continue (blank), in which case the plain cue ends it.
 */
export function partialReplyBody(partialReply: string | undefined, characterName: string): string {
  if (partialReply === undefined || partialReply.trim() === '') return '';
  return turnBody(partialReply, characterName);
}

export function promptPieces(
  character: PromptCharacter,
  history: readonly PromptTurn[],
  partialReply?: string,
): PromptPieces {
  return {
    header: promptHeader(character),
    lines: history.map((turn) => speakerCue(turn.role, character.name) + turnBody(turn.text, character.name)),
    cue: speakerCue('char', character.name) + partialReplyBody(partialReply, character.name),
  };
}
