import type { LocalCharacterInput } from '../local-chat/local-character.ts';
import { type CharacterCardFields, cardPersona } from './character-card.ts';

/**
 * A card as a chat page character: the persona as training reads it (`cardPersona`), the scenario,
 * the greeting (`first_mes`) and its alternates (which become the greeting's swipes), and the example
 * dialogue (`mes_example`, rendered after `<START>` in the prompt). Texts are trimmed; empty
 * alternates are dropped. The creator's handle is not kept.
 */
export function cardToLocalCharacter(card: CharacterCardFields): LocalCharacterInput {
  return {
    name: card.name,
    persona: cardPersona(card),
    scenario: card.scenario?.trim() ?? '',
    greeting: card.first_mes?.trim() ?? '',
    alternateGreetings: card.alternate_greetings.map((text) => text.trim()).filter((text) => text !== ''),
    exampleDialogue: card.mes_example?.trim() ?? '',
    source: 'card',
  };
}
