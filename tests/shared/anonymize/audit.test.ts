import { describe, expect, it } from 'vitest';
import { createAnonymizer } from '../../../shared/anonymize/anonymizer.ts';
import { auditChats, findAuditFindings } from '../../../shared/anonymize/audit.ts';
import type { AnonChat } from '../../../shared/chat/anon-chat.ts';
import type { Chat, Identity } from '../../../shared/chat/chat.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';

// Invented names and texts only.
const KNOWN: Identity[] = [{ kind: 'display-name', value: 'Zoë Quill' }];
const FORGOTTEN: Identity = { kind: 'persona-name', value: 'Marisol' };

function anonChat(texts: string[], swipes: string[][] = []): AnonChat {
  return {
    key: '0123456789abcdef0123456789abcdef',
    source: 'neo',
    character: { name: 'Nova', greeting: 'Hello {{user}}.' },
    messages: texts.map((text, index) => ({
      role: index % 2 === 0 ? 'char' : 'user',
      text,
      swipes: swipes[index] ?? [],
    })),
  };
}

function caught(run: () => unknown): PygboxError {
  try {
    run();
  } catch (error) {
    if (error instanceof PygboxError) return error;
    throw error;
  }
  throw new Error('expected a PygboxError');
}

describe('auditChats', () => {
  it('passes and seals properly anonymized output', () => {
    const source: Chat = {
      chatId: 'c1',
      source: 'legacy',
      character: { name: 'Nova', description: 'Nova knows Zoë Quill.' },
      messages: [
        { id: 'm1', role: 'user', text: 'I am Zoë, Quill for short. zoe@example.com', swipes: [] },
        { id: 'm2', role: 'char', text: 'Hello ZOE QUILL.', swipes: ['Hi Zoe.'] },
      ],
      identities: KNOWN,
    };
    const anon = createAnonymizer({ identities: KNOWN }).anonymizeChat(source);
    const audited = auditChats([anon], { identities: KNOWN });
    expect(audited.chats).toEqual([anon]);
  });

  it('catches an identity the anonymizer was not told about, naming the field and kind only', () => {
    const identities = [...KNOWN, FORGOTTEN];
    const anonymizer = createAnonymizer({ identities: KNOWN });
    const chats: Chat[] = [0, 1].map((index) => ({
      chatId: `c${index}`,
      source: 'neo',
      character: { name: 'Nova' },
      messages: [
        {
          id: 'm1',
          role: 'char',
          text: 'Nothing here.',
          swipes: index === 1 ? ['Good night, MARISOL, sleep well'] : [],
        },
      ],
      identities: [],
    }));
    const anonChats = chats.map((chat) => anonymizer.anonymizeChat(chat));
    const error = caught(() => auditChats(anonChats, { identities }));
    expect(error.code).toBe('audit-failed');
    expect(error.place.field).toBe('chats[1].messages[0].swipes[0]');
    expect(error.message).toContain('chats[1].messages[0].swipes[0]');
    expect(error.message).toContain('persona-name');
    expect(error.message).toContain(anonChats[1]?.key ?? 'missing key');
    expect(error.message.toLowerCase()).not.toContain('marisol');
    expect(error.message).not.toContain('Good night');
    expect(error.hint).toContain('redaction list');
  });

  it('lists at most 20 findings but counts them all', () => {
    const texts = Array.from({ length: 25 }, () => 'Marisol');
    const error = caught(() => auditChats([anonChat(texts)], { identities: [FORGOTTEN] }));
    expect(error.message).toContain('25 problem(s)');
    expect(error.message).toContain('and 5 more');
    expect(error.message.split('persona-name')).toHaveLength(21);
  });
});

describe('findAuditFindings', () => {
  it.each([
    ['plain', 'Marisol waves'],
    ['upper case', 'MARISOL waves'],
    ['diacritics', 'Marísól waves'],
    ['decomposed marks', 'Mari\u0301sol waves'],
    ['full-width', 'Ｍａｒｉｓｏｌ waves'],
    ['math letters', '𝓜𝓪𝓻𝓲𝓼𝓸𝓵 waves'],
    ['Cyrillic homoglyphs', 'Mаrisоl waves'],
    ['zero-width joiner inside', 'Mari\u200Dsol waves'],
    ['possessive', 'Marisol’s cat'],
    ['inside an action', '*hugs Marisol*'],
  ])('finds an identity written as %s', (_label, text) => {
    expect(findAuditFindings([anonChat([text])], { identities: [FORGOTTEN] })).toEqual([
      {
        chatIndex: 0,
        chatKey: '0123456789abcdef0123456789abcdef',
        field: 'chats[0].messages[0].text',
        kind: 'identity',
        identityKind: 'persona-name',
      },
    ]);
  });

  it.each([
    ['inside a longer word', 'Marisoleta waves'],
    ['after a letter', 'xMarisol'],
    ['a different name', 'Marisa waves'],
  ])('finds nothing for an identity %s', (_label, text) => {
    expect(findAuditFindings([anonChat([text])], { identities: [FORGOTTEN] })).toEqual([]);
  });

  it.each([
    ['the phrase with a space', 'zoe quill', 'display-name'],
    ['the phrase without separator', 'ZoeQuill', 'display-name'],
    ['one part', 'Quill', 'display-name'],
    ['a username with another separator', 'zoe.star99', 'username'],
    ['a user id', 'id 48213377', 'user-id'],
    ['a name in an unspaced script', '我是李明的朋友', 'user-supplied'],
  ])('finds %s', (_label, text, identityKind) => {
    const identities: Identity[] = [
      ...KNOWN,
      { kind: 'username', value: 'zoe_star99' },
      { kind: 'user-id', value: '48213377' },
      { kind: 'user-supplied', value: '李明' },
    ];
    const findings = findAuditFindings([anonChat([text])], { identities });
    expect(
      findings.map((finding) => (finding.kind === 'identity' ? finding.identityKind : finding.kind)),
    ).toContain(identityKind);
  });

  it('does not mistake placeholders for identities named like them', () => {
    const identities: Identity[] = [
      { kind: 'display-name', value: 'user' },
      { kind: 'username', value: 'redacted' },
    ];
    expect(findAuditFindings([anonChat(['{{user}} said [REDACTED] to {{char}}'])], { identities })).toEqual(
      [],
    );
  });

  it('scans every string field: character fields, texts and swipes', () => {
    const chat: AnonChat = {
      key: 'ffffffffffffffffffffffffffffffff',
      source: 'dumper',
      character: {
        name: 'Marisol',
        title: 'Marisol',
        description: 'Marisol',
        greeting: 'Marisol',
        definition: 'Marisol',
      },
      messages: [{ role: 'user', text: 'Marisol', swipes: ['ok', 'Marisol'] }],
    };
    expect(findAuditFindings([chat], { identities: [FORGOTTEN] }).map((finding) => finding.field)).toEqual([
      'chats[0].character.name',
      'chats[0].character.title',
      'chats[0].character.description',
      'chats[0].character.greeting',
      'chats[0].character.definition',
      'chats[0].messages[0].text',
      'chats[0].messages[0].swipes[1]',
    ]);
  });

  it('finds PII left in a text', () => {
    const findings = findAuditFindings([anonChat(['mail a@b.io or call 555-201-7788'])], { identities: [] });
    expect(
      findings.map((finding) => (finding.kind === 'pii' ? finding.piiKind : finding.kind)).sort(),
    ).toEqual(['email', 'phone']);
  });

  it('finds phrases of the redaction list', () => {
    const findings = findAuditFindings([anonChat(['we met at Maple Street'])], {
      identities: [],
      redactions: ['maple street'],
    });
    expect(findings.map((finding) => finding.kind)).toEqual(['redaction']);
  });

  it('never quotes a damaged chat key, which may hold user text', () => {
    const damaged = { ...anonChat(['Hello.']), key: 'call 555-123-4567' } as unknown as AnonChat;
    const error = caught(() => auditChats([damaged], { identities: KNOWN }));
    expect(error.message).toContain('chat key unreadable');
    expect(error.message).not.toContain('555');
  });

  it('finds stray fields (ids, avatars) through the strict schema', () => {
    const chat = anonChat(['fine']);
    // Built outside the type on purpose: the audit must catch what the types would have refused.
    const strays: unknown = {
      ...chat,
      chatId: 'abc',
      character: { ...chat.character, avatarFile: 'x.png' },
      messages: [{ ...chat.messages[0], id: 'turn-1' }],
    };
    const withStrays = strays as AnonChat;
    const fields = findAuditFindings([withStrays], { identities: [] })
      .filter((finding) => finding.kind === 'schema')
      .map((finding) => finding.field)
      .sort();
    expect(fields).toEqual(['chats[0].character.avatarFile', 'chats[0].chatId', 'chats[0].messages[0].id']);
  });
});
