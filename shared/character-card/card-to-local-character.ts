import { createAnonymizer } from '../anonymize/anonymizer.ts';
import type { LocalCharacterInput } from '../local-chat/local-character.ts';
import { type CharacterCardFields, cardPersona } from './character-card.ts';

/**
 * A card as a chat page character: the persona as training reads it (`cardPersona`), the scenario,
 * the greeting (`first_mes`) and its alternates (which become the greeting's swipes), and the example
 * dialogue (`mes_example`, rendered after `<START>` in the prompt). Texts are trimmed; empty
 * alternates are dropped.
 *
 * The creator's handle is not kept, and where the card names one it is redacted from the texts
 * (with the anonymizer, as training redacts it): the texts become the prompt that preference
 * records carry into the export, whose anonymizer no longer knows the handle, and the handle is
 * the user's own when they made the card.
 */
export function cardToLocalCharacter(card: CharacterCardFields): LocalCharacterInput {
  const creator = card.creator?.trim() ?? '';
  const anonymizer = creator === '' ? undefined : createAnonymizer({ identities: [], redactions: [creator] });
  const text = (value: string | undefined): string => {
    const trimmed = value?.trim() ?? '';
    return anonymizer === undefined ? trimmed : anonymizer.anonymizeText(trimmed).trim();
  };
  return {
    name: card.name,
    persona: text(cardPersona(card)),
    scenario: text(card.scenario),
    greeting: text(card.first_mes),
    alternateGreetings: card.alternate_greetings.map(text).filter((greeting) => greeting !== ''),
    exampleDialogue: text(card.mes_example),
    source: 'card',
  };
}
