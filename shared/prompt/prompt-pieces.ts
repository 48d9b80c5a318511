import { fillPlaceholders } from './fill-placeholders.ts';
import { type PromptCharacter, type PromptTurn, START_MARKER, USER_SPEAKER } from './prompt-format.ts';

/**
 * A prompt cut into the pieces that are kept or dropped whole: the header (persona, scenario,
 * `<START>`), one line per history turn, and the cue (`\n{char}:`) the reply follows. Joining them in
 * order gives the prompt; every piece after the header starts with its own newline, so dropping the
 * oldest lines leaves a well-formed prompt. Texts are trimmed and their placeholders filled.
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
  return parts.join('\n');
}

/** The speaker prefix of a history line, newline included: `\nYou:` or `\n{char}:`. */
export function speakerCue(role: PromptTurn['role'], characterName: string): string {
  return `\n${role === 'user' ? USER_SPEAKER : characterName.trim()}:`;
}

/** A turn's text as it follows its speaker cue: one space, then the trimmed, filled text. */
export function turnBody(text: string, characterName: string): string {
  return ` ${fillPlaceholders(text, characterName.trim()).trim()}`;
}

export function promptPieces(character: PromptCharacter, history: readonly PromptTurn[]): PromptPieces {
  return {
    header: promptHeader(character),
    lines: history.map((turn) => speakerCue(turn.role, character.name) + turnBody(turn.text, character.name)),
    cue: speakerCue('char', character.name),
  };
}
