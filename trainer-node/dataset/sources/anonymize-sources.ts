import type { AnonChat } from '../../../shared/chat/anon-chat.ts';
import type { Chat, Identity } from '../../../shared/chat/chat.ts';
import { anonymizeForExport } from '../../../shared/export/anonymize-for-export.ts';
import type { Episode } from '../episode.ts';
import { episodeFromAnonChat } from './episode-from-anon-chat.ts';
import type { CharacterCard } from './read-character-card.ts';
import type { SourceChat } from './source-chat.ts';

export interface AnonymizedSources {
  episodes: Episode[];
  /** Cards after anonymization, by folded character name. */
  cards: Map<string, { persona?: string; scenario?: string }>;
  identitiesRedacted: number;
}

export interface SourcePrivacy {
  accountIdentities: readonly Identity[];
  userIdentities: readonly string[];
  redactions: readonly string[];
}

/**
 * Everything not already anonymized goes through the one road out: the shared anonymizer and its
 * audit (`anonymizeForExport`), all chats and cards in one call, so a name found in one source is
 * removed from all of them. The audit throws on any identity left, naming the chat and field, and
 * nothing is built. Cards ride through as chats without messages: the persona in `description`,
 * the scenario in `definition` (the free-text fields the anonymizer and the audit cover), the
 * creator as the creator, whose handle becomes `[REDACTED]`.
 */
export function anonymizeSources(
  chats: readonly SourceChat[],
  cards: readonly CharacterCard[],
  privacy: SourcePrivacy,
): AnonymizedSources {
  const cardChats = cards.map(
    (card, index): Chat => ({
      chatId: `card:${index}:${card.file}`,
      source: 'dumper',
      character: {
        name: card.name,
        ...(card.persona === undefined ? {} : { description: card.persona }),
        ...(card.scenario === undefined ? {} : { definition: card.scenario }),
        ...(card.creator === undefined ? {} : { creatorName: card.creator }),
      },
      messages: [],
      identities: [],
    }),
  );
  const exported = anonymizeForExport([...chats.map((source) => source.chat), ...cardChats], {
    accountIdentities: privacy.accountIdentities,
    userIdentities: privacy.userIdentities,
    redactions: privacy.redactions,
  });
  const anonChats = exported.audited.chats;
  const episodes = chats.map((source, index) => episodeFromAnonChat(chatAt(anonChats, index), source.kind));
  const anonCards = new Map<string, { persona?: string; scenario?: string }>();
  for (let index = 0; index < cards.length; index += 1) {
    const card = chatAt(anonChats, chats.length + index).character;
    if (anonCards.has(foldName(card.name))) continue; // the first card of a name wins, as listed
    anonCards.set(foldName(card.name), {
      ...(card.description === undefined ? {} : { persona: card.description }),
      ...(card.definition === undefined ? {} : { scenario: card.definition }),
    });
  }
  return { episodes, cards: anonCards, identitiesRedacted: exported.identitiesRedacted };
}

function chatAt(chats: readonly AnonChat[], index: number): AnonChat {
  const chat = chats[index];
  // anonymizeForExport maps its input one to one, in order.
  if (chat === undefined) throw new Error(`anonymized chat ${index} is missing`);
  return chat;
}

export function foldName(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

/** Fills the persona and scenario an episode lacks from the card of its character, if any. */
export function applyCards(
  episodes: readonly Episode[],
  cards: ReadonlyMap<string, { persona?: string; scenario?: string }>,
): { episodes: Episode[]; cardsUsed: Set<string> } {
  const cardsUsed = new Set<string>();
  const result = episodes.map((episode) => {
    const name = foldName(episode.character.name);
    const card = cards.get(name);
    if (card === undefined) return episode;
    const persona = episode.character.persona ?? card.persona;
    const scenario = episode.character.scenario ?? card.scenario;
    if (persona !== episode.character.persona || scenario !== episode.character.scenario) cardsUsed.add(name);
    return {
      ...episode,
      character: {
        name: episode.character.name,
        ...(persona === undefined ? {} : { persona }),
        ...(scenario === undefined ? {} : { scenario }),
      },
    };
  });
  return { episodes: result, cardsUsed };
}
