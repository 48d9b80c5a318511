import { describe, expect, it } from 'vitest';
import { anonChatKey } from '../../../shared/anonymize/chat-key.ts';

describe('anonChatKey', () => {
  it('is 32 hex digits, stable, and separates its parts unambiguously', () => {
    const key = anonChatKey('Nova', [{ text: 'a' }, { text: 'bc' }]);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(anonChatKey('Nova', [{ text: 'a' }, { text: 'bc' }])).toBe(key);
    expect(anonChatKey('Nova', [{ text: 'ab' }, { text: 'c' }])).not.toBe(key);
    expect(anonChatKey('Nov', [{ text: 'aa' }, { text: 'bc' }])).not.toBe(key);
  });

  it('looks at the first four messages only', () => {
    const four = [{ text: '1' }, { text: '2' }, { text: '3' }, { text: '4' }];
    expect(anonChatKey('N', [...four, { text: '5' }])).toBe(anonChatKey('N', four));
    expect(anonChatKey('N', four.slice(0, 3))).not.toBe(anonChatKey('N', four));
  });
});
