import { describe, expect, it } from 'vitest';
import {
  encodeSillyTavernChat,
  toSillyTavernLines,
} from '../../../../shared/zip/formats/sillytavern-format.ts';
import { ROBOT_CHEF, ROBOT_CHEF_AGAIN } from '../anon-chat-fixtures.ts';

describe('SillyTavern format', () => {
  it('writes a header then one line a message, swipes with the chosen text first', () => {
    expect(toSillyTavernLines(ROBOT_CHEF, '2024-06-01')).toEqual([
      { user_name: 'You', character_name: 'Chef Sprocket', create_date: '2024-03-05' },
      {
        name: 'Chef Sprocket',
        is_user: false,
        is_name: true,
        send_date: '2024-03-05',
        mes: 'Welcome to my kitchen!',
      },
      {
        name: 'You',
        is_user: true,
        is_name: true,
        send_date: '2024-03-05',
        mes: 'Hi, I am {{user}}. What is for dinner?',
      },
      {
        name: 'Chef Sprocket',
        is_user: false,
        is_name: true,
        send_date: '2024-03-06',
        mes: 'Bolt soup.',
        swipes: ['Bolt soup.', 'Gear pie.', 'Oil tea.'],
        swipe_id: 0,
      },
    ]);
  });

  it.each([
    [ROBOT_CHEF, '2024-03-05'],
    [ROBOT_CHEF_AGAIN, '2024-06-01'],
  ])('dates chat %# to the day (%s), falling back to the export day', (chat, day) => {
    const [header, ...messages] = toSillyTavernLines(chat, '2024-06-01');
    expect(header.create_date).toBe(day);
    for (const message of messages) expect(message.send_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('encodes one JSON object a line with a trailing newline', () => {
    const text = encodeSillyTavernChat(ROBOT_CHEF, '2024-06-01');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1).split('\n')).toHaveLength(4);
  });
});
