import type { AnonChat } from '../../../shared/chat/anon-chat.ts';
import type { Episode, SourceKind } from '../episode.ts';

/**
 * An anonymized chat as an episode. The persona is the character's description (its short title
 * when there is none), as the Pygmalion toolbox used it; the definition (example dialogues) is left
 * out, as the toolbox left it out, because it fills the context window. Swipes are preference data
 * for a later stage, not training targets here.
 */
export function episodeFromAnonChat(chat: AnonChat, source: SourceKind, scenario?: string): Episode {
  const persona = nonEmpty(chat.character.description) ?? nonEmpty(chat.character.title);
  return {
    source,
    key: chat.key,
    character: {
      name: chat.character.name.trim(),
      ...(persona === undefined ? {} : { persona }),
      ...(scenario === undefined ? {} : { scenario }),
    },
    turns: chat.messages.map((message) => ({ role: message.role, text: message.text })),
  };
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
