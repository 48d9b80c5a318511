import type { LocalCharacter } from '../../shared/local-chat/local-character.ts';
import type { PromptCharacter } from '../../shared/prompt/prompt-format.ts';

/** Who the prompt describes: the stored character's name, persona, scenario and example dialogue. */
export function promptCharacter(character: LocalCharacter): PromptCharacter {
  return {
    name: character.name,
    persona: character.persona,
    scenario: character.scenario,
    exampleDialogue: character.exampleDialogue,
  };
}
