import { describe, expect, it } from 'vitest';
import { createAnonymizer } from '../../../shared/anonymize/anonymizer.ts';
import { auditChats } from '../../../shared/anonymize/audit.ts';
import { anonChatSchema } from '../../../shared/chat/anon-chat.ts';
import type { Chat, Identity } from '../../../shared/chat/chat.ts';

/**
 * One test per leak of the original CharacterAI dumper's `anonymizeHistories` (reference notes,
 * pygmalion-tooling §1.3). All names and ids are invented.
 */

const IDENTITIES: Identity[] = [
  { kind: 'username', value: 'ana_rivers' },
  { kind: 'first-name', value: 'Ana' },
  { kind: 'display-name', value: 'Zoë' },
  { kind: 'user-id', value: '5550172' },
];

function dumperChat(texts: { role: 'user' | 'char'; text: string }[], greeting = 'Hi!'): Chat {
  return {
    chatId: 'hist-1',
    source: 'dumper',
    character: { id: 'ext-abc', name: 'Bramble', greeting, avatarFile: 'a.png', creatorName: 'someone_else' },
    messages: texts.map((message, index) => ({
      id: `uuid-${index}`,
      role: message.role,
      text: message.text,
      swipes: [],
      authorId: message.role === 'user' ? '5550172' : undefined,
      authorName: message.role === 'user' ? 'Ana' : 'Bramble',
      createdAt: '2023-01-02T10:11:12Z',
    })),
    identities: IDENTITIES,
  };
}

const anonymizer = createAnonymizer({ identities: IDENTITIES });

describe('leaks of the old dumper are closed', () => {
  it('v1.0: the replaced text is used, not discarded', () => {
    // v1.0 called text.replace(...) and dropped the result; the output must differ from the input.
    const input = 'Hello Ana.';
    const output = anonymizer.anonymizeText(input);
    expect(output).not.toBe(input);
    expect(output).toBe('Hello {{user}}.');
  });

  it('v1.1: every name is applied, not zero of them', () => {
    // v1.1 iterated a Set with for...in and replaced nothing.
    expect(anonymizer.anonymizeText('ana_rivers, Ana and Zoë')).toBe('{{user}}, {{user}} and {{user}}');
  });

  it.each([
    ['lower case', 'ana came', '{{user}} came'],
    ['upper case', 'ANA came', '{{user}} came'],
    ['mixed case', 'aNa came', '{{user}} came'],
  ])('the match is case-insensitive (%s)', (_label, input, expected) => {
    expect(anonymizer.anonymizeText(input)).toBe(expected);
  });

  it.each([
    ['non-ASCII letter at the edge', 'Zoë left', '{{user}} left'],
    ['punctuation at the edge', '~Ana~ left', '~{{user}}~ left'],
    ['non-ASCII neighbours do not break the boundary', '«Ana»', '«{{user}}»'],
    ['a non-ASCII letter after the name makes it another word', 'Anaé', 'Anaé'],
  ])('word boundaries are Unicode-aware, not ASCII \\b (%s)', (_label, input, expected) => {
    expect(anonymizer.anonymizeText(input)).toBe(expected);
  });

  it('the user’s own messages are scrubbed, not only bot messages', () => {
    const anon = anonymizer.anonymizeChat(
      dumperChat([
        { role: 'char', text: 'Who are you?' },
        { role: 'user', text: 'I am Ana, call me at 555-201-7788' },
      ]),
    );
    expect(anon.messages[1]?.text).toBe('I am {{user}}, call me at [PHONE]');
  });

  it('the greeting and every message are scrubbed, not only msgs[0]', () => {
    const anon = anonymizer.anonymizeChat(
      dumperChat(
        [
          { role: 'char', text: 'Ana!' },
          { role: 'char', text: 'Ana?' },
          { role: 'user', text: 'yes, Ana here' },
        ],
        'Welcome back, Ana.',
      ),
    );
    expect(anon.character.greeting).toBe('Welcome back, {{user}}.');
    expect(anon.messages.map((message) => message.text)).toEqual([
      '{{user}}!',
      '{{user}}?',
      'yes, {{user}} here',
    ]);
  });

  it('ids, avatars, creator names and fine timestamps are dropped', () => {
    const anon = anonymizer.anonymizeChat(dumperChat([{ role: 'user', text: 'my id is 5550172' }]));
    expect(() => anonChatSchema.parse(anon)).not.toThrow();
    const json = JSON.stringify(anon);
    for (const leaked of ['5550172', 'a.png', 'someone_else', 'ext-abc', 'uuid-0', 'hist-1', '10:11:12']) {
      expect(json).not.toContain(leaked);
    }
    expect(anon.messages[0]).toEqual({
      role: 'user',
      text: 'my id is {{user}}',
      swipes: [],
      day: '2023-01-02',
    });
  });

  it.each([
    ['[NAME_IN_MESSAGE_REDACTED] waves', '{{user}} waves'],
    ['[USERNAME_REDACTED] [FIRST_NAME_REDACTED] [ACCOUNT_NAME_REDACTED]', '{{user}} {{user}} {{user}}'],
    ['[NAME_REDACTED] and [DISPLAY_NAME_REDACTED]', '{{user}} and {{user}}'],
    ['<USER> and <user>', '{{user}} and {{user}}'],
    ['made by [BOT_CREATOR_NAME_REDACTED]', 'made by [REDACTED]'],
  ])('old redaction tokens map to the placeholder vocabulary: %s', (input, expected) => {
    expect(anonymizer.anonymizeText(input)).toBe(expected);
  });

  it('the audit passes on the output, so nothing has to be reviewed by hand', () => {
    const anon = anonymizer.anonymizeChat(
      dumperChat([
        { role: 'char', text: 'ANA, Zoe, ana_rivers, ana rivers' },
        { role: 'user', text: '[NAME_IN_MESSAGE_REDACTED] is me, Ana' },
      ]),
    );
    expect(auditChats([anon], { identities: IDENTITIES }).chats).toHaveLength(1);
  });
});
