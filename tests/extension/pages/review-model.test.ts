import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { reviewChats, setExclusion, toggleExclusion } from '../../../extension/pages/review-model.ts';
import type { Chat } from '../../../shared/chat/chat.ts';
import { anonymizeForExport } from '../../../shared/export/anonymize-for-export.ts';
import { openPygboxStore } from '../../../shared/store/pygbox-store.ts';
import { DEFAULT_STORE_SETTINGS } from '../../../shared/store/store-settings.ts';

function chat(chatId: string, texts: string[]): Chat {
  return {
    chatId,
    source: 'neo',
    character: { name: 'Captain Vexa' },
    messages: texts.map((text, index) => ({
      id: `${chatId}-m${index}`,
      role: index % 2 === 0 ? 'char' : 'user',
      text,
      swipes: [],
      authorName: index % 2 === 0 ? 'Captain Vexa' : 'Orla Brightwater',
    })),
    identities: [{ kind: 'display-name', value: 'Orla Brightwater' }],
  };
}

const CHATS = [
  chat('chat-a', ['Ahoy!', 'Hi, I am Orla Brightwater.']),
  chat('chat-b', ['Welcome back.', 'Thanks']),
];

describe('review model', () => {
  it('pairs each stored chat and message with its anonymized text, and marks exclusions', () => {
    const anonymized = anonymizeForExport(CHATS).audited.chats;
    const reviewed = reviewChats(CHATS, anonymized, {
      excludedChats: ['chat-b'],
      excludedMessages: [{ chatId: 'chat-a', messageId: 'chat-a-m0' }],
    });
    expect(reviewed.map((entry) => [entry.chatId, entry.excluded])).toEqual([
      ['chat-a', false],
      ['chat-b', true],
    ]);
    expect(reviewed[0]?.messages.map((message) => [message.id, message.excluded, message.anon.text])).toEqual(
      [
        ['chat-a-m0', true, 'Ahoy!'],
        ['chat-a-m1', false, 'Hi, I am {{user}}.'],
      ],
    );
  });

  it('refuses lists that do not pair up instead of showing a chat under the wrong buttons', () => {
    const anonymized = anonymizeForExport(CHATS).audited.chats;
    expect(() => reviewChats(CHATS, anonymized.slice(1), DEFAULT_STORE_SETTINGS)).toThrow(/do not match/);
  });

  it('adds and removes chat and message exclusions without touching the rest', () => {
    const base = { ...DEFAULT_STORE_SETTINGS, redactions: ['Gullwing'] };
    const chatOut = toggleExclusion(base, { chatId: 'chat-a' }, true);
    expect(chatOut).toMatchObject({ excludedChats: ['chat-a'], redactions: ['Gullwing'] });
    const messageOut = toggleExclusion(chatOut, { chatId: 'chat-b', messageId: 'm1' }, true);
    expect(messageOut.excludedMessages).toEqual([{ chatId: 'chat-b', messageId: 'm1' }]);
    // Adding twice keeps one entry; removing takes exactly that one out.
    expect(
      toggleExclusion(messageOut, { chatId: 'chat-b', messageId: 'm1' }, true).excludedMessages,
    ).toHaveLength(1);
    const back = toggleExclusion(
      toggleExclusion(messageOut, { chatId: 'chat-a' }, false),
      { chatId: 'chat-b', messageId: 'm1' },
      false,
    );
    expect(back).toEqual(base);
  });

  it('keeps every exclusion when the user ticks several boxes at once: none is lost to another', async () => {
    const store = await openPygboxStore({ indexedDB: new IDBFactory() });
    try {
      await store.setSettings({ ...DEFAULT_STORE_SETTINGS, redactions: ['Gullwing'] });
      // Each tick reads and writes the settings; ticks that overlap must not undo each other, or a
      // message the user left out would be exported after all.
      const messages = Array.from({ length: 8 }, (_, index) => ({
        chatId: 'chat-a',
        messageId: `m${index}`,
      }));
      await Promise.all([
        ...messages.map((message) => setExclusion(store, message, true)),
        setExclusion(store, { chatId: 'chat-b' }, true),
      ]);
      const settings = await store.getSettings();
      expect(settings.excludedChats).toEqual(['chat-b']);
      expect(new Set(settings.excludedMessages.map((entry) => entry.messageId))).toEqual(
        new Set(messages.map((message) => message.messageId)),
      );
      expect(settings.redactions).toEqual(['Gullwing']);
    } finally {
      store.close();
    }
  });
});
