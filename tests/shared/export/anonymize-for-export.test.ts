import { describe, expect, it } from 'vitest';
import type { Chat } from '../../../shared/chat/chat.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { anonymizeForExport } from '../../../shared/export/anonymize-for-export.ts';

const chat = (overrides: Partial<Chat> = {}): Chat => ({
  chatId: 'chat-1',
  source: 'neo',
  character: {
    id: 'char-1',
    name: 'Aria Vale',
    creatorName: 'beacon_maker',
    greeting: 'Made by beacon_maker with love.',
  },
  createdAt: '2024-05-01T10:11:12Z',
  messages: [
    { id: 't1', role: 'char', text: 'The lamp is lit.', swipes: [] },
    { id: 't2', role: 'user', text: 'Hi, I am Zoë! Thanks @beacon_maker', swipes: [], authorName: 'Zoë' },
  ],
  identities: [{ kind: 'author-name', value: 'Zoë' }],
  ...overrides,
});

describe('anonymizeForExport', () => {
  it('replaces identities from every source and the creator’s handle, and counts only identities', () => {
    const { audited, identitiesRedacted } = anonymizeForExport([chat()], {
      accountIdentities: [{ kind: 'username', value: 'zoe_starlight' }],
      userIdentities: ['Quill'],
      redactions: ['lamp'],
    });
    const [exported] = audited.chats;
    expect(exported?.character.greeting).toBe('Made by [REDACTED] with love.');
    expect(exported?.messages.map((message) => message.text)).toEqual([
      'The [REDACTED] is lit.',
      'Hi, I am {{user}}! Thanks [REDACTED]',
    ]);
    expect(identitiesRedacted).toBe(3);
    expect(JSON.stringify(audited)).not.toMatch(/beacon|Zo[eë]|2024-05-01T/);
  });

  it('fails closed, naming the place and never the name, when the audit finds what the anonymizer kept', () => {
    // The user's name typed as decomposed Hangul jamo: missed by the anonymizer's matcher, found by
    // the audit's own folding (the CLI test shows the same end to end).
    const jamo = '\uC9C0\uC218'.normalize('NFD');
    const leaking = chat({
      identities: [{ kind: 'author-name', value: '\uC9C0\uC218' }],
      messages: [{ id: 't1', role: 'user', text: `I am ${jamo}`, swipes: [] }],
    });
    const failure = (() => {
      try {
        anonymizeForExport([leaking]);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(PygboxError);
    expect(failure instanceof PygboxError && failure.code).toBe('audit-failed');
    expect(String(failure instanceof Error && failure.message)).toContain('messages[0].text');
    expect(String(failure instanceof Error && failure.message).normalize('NFC')).not.toContain(
      '\uC9C0\uC218',
    );
  });
});
