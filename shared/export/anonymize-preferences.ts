import { anonDay } from '../anonymize/anon-day.ts';
import type { Anonymizer } from '../anonymize/anonymizer.ts';
import type { Chat } from '../chat/chat.ts';
import type { AnonPreference } from '../local-chat/anon-preference.ts';
import type { PreferenceRecord } from '../local-chat/preference-record.ts';
import { anonPreferenceKey } from './preference-key.ts';

/**
 * A preference record as it may leave: through the chats' own anonymizer (the same identities and
 * redactions), as one synthetic chat with the record's character, so the character's name becomes
 * `{{char}}` in the prompt and replies and stays (its user names replaced) as `character.name`,
 * exactly as in an AnonChat. Model names get the user's names replaced too (a model called after
 * its maker). Ids are dropped and the time becomes a day. The audit (audit-preferences.ts) checks
 * the result; nothing here is trusted to have caught everything.
 */
export function anonymizePreference(anonymizer: Anonymizer, record: PreferenceRecord): AnonPreference {
  const replies = [
    ...(record.chosen === null ? [] : [record.chosen.text]),
    ...record.rejected.map((r) => r.text),
  ];
  const chat: Chat = {
    chatId: 'preference',
    source: 'neo',
    character: { name: record.characterName },
    messages: [{ id: 'prompt', role: 'char', text: record.prompt, swipes: replies }],
    identities: [],
  };
  const anon = anonymizer.anonymizeChat(chat);
  const message = anon.messages[0];
  const prompt = message?.text ?? '';
  const anonReplies = message?.swipes ?? [];
  const offset = record.chosen === null ? 0 : 1;
  const modelIds = [
    ...new Set([
      ...(record.chosen === null ? [] : [record.chosen.modelId]),
      ...record.rejected.map((r) => r.modelId),
    ]),
  ].sort();
  return {
    key: anonPreferenceKey(anon.character.name, prompt),
    source: 'chat-page',
    promptFormatVersion: record.promptFormatVersion,
    character: { name: anon.character.name },
    // A record without a readable time gets none of the user's: the schema asks for a day, and
    // an unreadable one fails the audit rather than being guessed.
    day: anonDay(record.updatedAt) ?? '',
    prompt,
    chosen:
      record.chosen === null
        ? null
        : { text: anonReplies[0] ?? '', model: record.chosen.modelId, via: record.chosen.via },
    rejected: record.rejected.map((rejected, index) => ({
      text: anonReplies[offset + index] ?? '',
      model: rejected.modelId,
      via: rejected.via,
    })),
    models: modelIds.map((id) => ({ id, name: anonymizer.anonymizeText(record.modelNames[id] ?? '') })),
  };
}
