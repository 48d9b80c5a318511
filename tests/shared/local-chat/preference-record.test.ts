import { describe, expect, it } from 'vitest';
import {
  preferenceFromMessage,
  preferenceRecordSchema,
} from '../../../shared/local-chat/preference-record.ts';
import { PROMPT_FORMAT_VERSION } from '../../../shared/prompt/prompt-format.ts';
import {
  charMessage,
  chatOf,
  GREETING,
  MODEL_A,
  MODEL_B,
  PROMPT_1,
  PROMPT_EDITED,
  reply,
  userMessage,
} from './local-chat-fixtures.ts';

const NOW = '2024-05-02T08:00:00.000Z';
const NAMES = { [MODEL_A]: 'tiny-a', [MODEL_B]: 'tiny-b', ['c'.repeat(64)]: 'unused' };

function recordAt(messages: Parameters<typeof chatOf>[0], index: number) {
  return preferenceFromMessage(chatOf(messages), index, 'Chef Sprocket', NAMES, NOW);
}

describe('preferenceFromMessage', () => {
  it('prefers the kept swipe over the swiped-away ones and rated-down ones', () => {
    const message = charMessage(
      'm2',
      [reply('Bolt soup.'), reply('Gear pie.', { rating: 'down' }), reply('Oil tea.', { modelId: MODEL_B })],
      2,
    );
    const record = recordAt(
      [GREETING, userMessage('m1', 'What is for dinner?'), message, userMessage('m3', 'Yum')],
      2,
    );
    expect(record).toEqual({
      id: 'chat-1/m2',
      chatId: 'chat-1',
      messageId: 'm2',
      characterName: 'Chef Sprocket',
      promptFormatVersion: PROMPT_FORMAT_VERSION,
      prompt: PROMPT_1,
      chosen: { text: 'Oil tea.', modelId: MODEL_B, via: 'kept' },
      rejected: [
        { text: 'Bolt soup.', modelId: MODEL_A, via: 'swiped-away' },
        { text: 'Gear pie.', modelId: MODEL_A, via: 'rated-down' },
      ],
      modelNames: { [MODEL_A]: 'tiny-a', [MODEL_B]: 'tiny-b' },
      updatedAt: NOW,
    });
    expect(preferenceRecordSchema.parse(record)).toEqual(record);
  });

  it('takes the last rated-up swipe when nothing follows the message (no kept swipe)', () => {
    const message = charMessage(
      'm2',
      [reply('Bolt soup.', { rating: 'up' }), reply('Gear pie.'), reply('Oil tea.', { rating: 'up' })],
      1,
    );
    const record = recordAt([GREETING, userMessage('m1', 'x'), message], 2);
    expect(record?.chosen).toEqual({ text: 'Oil tea.', modelId: MODEL_A, via: 'rated-up' });
    // Unrated swipes are not rejected without a kept one: the user never chose against them.
    expect(record?.rejected).toEqual([]);
  });

  it('keeps rated-down swipes alone as a record with no chosen reply', () => {
    const message = charMessage('m2', [reply('Bolt soup.', { rating: 'down' }), reply('Gear pie.')], 1);
    const record = recordAt([GREETING, userMessage('m1', 'x'), message], 2);
    expect(record?.chosen).toBeNull();
    expect(record?.rejected).toEqual([{ text: 'Bolt soup.', modelId: MODEL_A, via: 'rated-down' }]);
  });

  it('never chooses a kept swipe the user rated down', () => {
    const message = charMessage(
      'm2',
      [reply('Bolt soup.', { rating: 'down' }), reply('Gear pie.', { rating: 'up' })],
      0,
    );
    const record = recordAt([GREETING, userMessage('m1', 'x'), message, userMessage('m3', 'y')], 2);
    expect(record?.chosen).toEqual({ text: 'Gear pie.', modelId: MODEL_A, via: 'rated-up' });
    expect(record?.rejected).toEqual([{ text: 'Bolt soup.', modelId: MODEL_A, via: 'rated-down' }]);
  });

  it('compares only swipes that answered the same prompt', () => {
    const message = charMessage(
      'm2',
      [
        reply('Bolt soup.', { rating: 'down' }),
        reply('Salad.', { prompt: PROMPT_EDITED }),
        reply('Sandwich.', { prompt: PROMPT_EDITED }),
      ],
      2,
    );
    const record = recordAt(
      [GREETING, userMessage('m1', 'What is for lunch?'), message, userMessage('m3', 'ok')],
      2,
    );
    expect(record?.prompt).toBe(PROMPT_EDITED);
    expect(record?.chosen?.text).toBe('Sandwich.');
    expect(record?.rejected).toEqual([{ text: 'Salad.', modelId: MODEL_A, via: 'swiped-away' }]);
  });

  it('says nothing without a rating or a choice among several replies', () => {
    const single = charMessage('m2', [reply('Bolt soup.')]);
    expect(recordAt([GREETING, userMessage('m1', 'x'), single, userMessage('m3', 'y')], 2)).toBeUndefined();
    const unrated = charMessage('m2', [reply('Bolt soup.'), reply('Gear pie.')], 1);
    expect(recordAt([GREETING, userMessage('m1', 'x'), unrated], 2)).toBeUndefined();
    // The greeting and user messages are never compared, even rated.
    const ratedGreeting = charMessage('m0', [
      { text: 'Welcome!', rating: 'up', modelId: null, prompt: null, createdAt: '2024-05-01T09:58:00.000Z' },
    ]);
    expect(recordAt([ratedGreeting, userMessage('m1', 'x')], 0)).toBeUndefined();
    expect(recordAt([GREETING, userMessage('m1', 'x')], 1)).toBeUndefined();
    expect(recordAt([GREETING], 5)).toBeUndefined();
  });

  it('counts a single kept reply the user rated up', () => {
    const message = charMessage('m2', [reply('Bolt soup.', { rating: 'up' })]);
    const record = recordAt([GREETING, userMessage('m1', 'x'), message, userMessage('m3', 'y')], 2);
    expect(record?.chosen).toEqual({ text: 'Bolt soup.', modelId: MODEL_A, via: 'kept' });
    expect(record?.rejected).toEqual([]);
  });
});
