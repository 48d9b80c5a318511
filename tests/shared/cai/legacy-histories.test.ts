import { describe, expect, it } from 'vitest';
import { legacyHistoriesAdapter } from '../../../shared/cai/legacy-histories.ts';
import type { CaptureRecord } from '../../../shared/capture/capture-record.ts';
import { captureRecord } from '../../fixtures/cai/capture-records.ts';
import { LEGACY, legacyHistoryMessage } from '../../fixtures/cai/legacy-builders.ts';

function adapt(record: CaptureRecord) {
  const outcome = legacyHistoriesAdapter.adapt(record, new URL(record.url));
  if (!outcome.ok) throw new Error(`expected the body to adapt: ${outcome.message}`);
  return outcome.yield;
}

const history = {
  external_id: 'hist-1',
  created: '2023-02-01T10:00:00.000Z',
  last_interaction: '2023-02-01T11:00:00.000Z',
  msgs: [
    legacyHistoryMessage({ id: 101, human: false, text: 'Welcome, traveler.' }),
    legacyHistoryMessage({ id: 102, human: true, text: 'Hello there.' }),
    legacyHistoryMessage({ id: 103, human: false, text: 'Sit down.', alternative: true }),
  ],
};

describe('legacyHistoriesAdapter', () => {
  it.each(['/chat/character/histories/', '/chat/character/histories_v2/'])(
    'gives one whole-history page per history (%s)',
    (path) => {
      const pages = adapt(
        captureRecord(`${LEGACY}${path}`, { histories: [history] }, { method: 'POST' }),
      ).legacyPages;
      expect(pages).toHaveLength(1);
      expect(pages?.[0]).toMatchObject({
        chatId: 'hist-1',
        source: 'legacy',
        pageNum: 0,
        createdAt: '2023-02-01T10:00:00.000Z',
      });
      expect(
        pages?.[0]?.messages.map((message) => [message.id, message.isHuman, message.isAlternative]),
      ).toEqual([
        ['101', false, false],
        ['102', true, false],
        ['103', false, true],
      ]);
    },
  );

  it('collects the human src fields of user messages and the human tgt of bot messages', () => {
    const messages = adapt(captureRecord(`${LEGACY}/chat/character/histories_v2/`, { histories: [history] }))
      .legacyPages?.[0]?.messages;
    const expected = [
      { kind: 'author-name', value: 'Mira' },
      { kind: 'username', value: 'mira_quillfeather' },
      { kind: 'first-name', value: 'Mirabel' },
      { kind: 'display-name', value: 'Mira Q.' },
      { kind: 'account-name', value: 'Mirabel Quill' },
      { kind: 'user-id', value: '5150' },
    ];
    expect(messages?.[0]?.identities).toEqual(expected);
    expect(messages?.[1]?.identities).toEqual([...expected, { kind: 'display-name', value: 'Mira' }]);
  });

  it('never collects the bot side as an identity', () => {
    const messages = adapt(captureRecord(`${LEGACY}/chat/character/histories/`, { histories: [history] }))
      .legacyPages?.[0]?.messages;
    const values = messages?.flatMap((message) => message.identities.map((identity) => identity.value)) ?? [];
    expect(values).not.toContain('Orlen');
    expect(values).not.toContain('orlen_bot');
    expect(messages?.[0]?.authorName).toBe('Orlen');
  });

  it('marks null text as missing and gives id-less messages a positional id', () => {
    const msg = {
      ...legacyHistoryMessage({ id: 1, human: false, text: null }),
      id: undefined,
      uuid: undefined,
    };
    const messages = adapt(
      captureRecord(`${LEGACY}/chat/character/histories/`, {
        histories: [{ external_id: 'hist-2', msgs: [msg] }],
      }),
    ).legacyPages?.[0]?.messages;
    expect(messages?.[0]).toMatchObject({ id: 'hist-2#0', text: '', textMissing: true });
  });

  it('reports a message without src as unknown-shape naming the path', () => {
    const record = captureRecord(`${LEGACY}/chat/character/histories/`, {
      histories: [{ external_id: 'hist-3', msgs: [{ id: 1, text: 'private words' }] }],
    });
    const outcome = legacyHistoriesAdapter.adapt(record, new URL(record.url));
    expect(outcome).toMatchObject({ ok: false, kind: 'unknown-shape' });
    expect(!outcome.ok && outcome.message).toContain('histories[0].msgs[0].src');
    expect(!outcome.ok && outcome.message).not.toContain('private words');
  });
});
