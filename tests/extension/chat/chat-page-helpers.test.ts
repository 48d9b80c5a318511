import { describe, expect, it } from 'vitest';
import { newChat } from '../../../extension/chat/chat-edits.ts';
import { displayText, userLabel } from '../../../extension/chat/display-text.ts';
import { replyStats, replyStatsLine } from '../../../extension/chat/reply-stats.ts';
import { samplerFromChatSettings, seedForReply } from '../../../extension/chat/sampler-choice.ts';
import {
  samplerFieldsToRedraw,
  samplerFormValues,
  samplerInputId,
  samplerOverridesFromForm,
} from '../../../extension/chat/sampler-form.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { SAMPLER_PRESETS } from '../../../shared/generate/sampler-presets.ts';
import { DEFAULT_CHAT_SETTINGS } from '../../../shared/local-chat/chat-settings.ts';

describe('sampler settings on the chat page', () => {
  it('keeps as overrides only what differs from the preset; empty means the preset (seed: random)', () => {
    const values = samplerFormValues(SAMPLER_PRESETS.balanced);
    expect(values.seed).toBe('');
    expect(samplerOverridesFromForm('balanced', values)).toEqual({});
    expect(samplerOverridesFromForm('balanced', { ...values, top_p: '0.5', seed: '7', top_k: '' })).toEqual({
      top_p: 0.5,
      seed: 7,
    });
    expect(samplerInputId('repetition_penalty_range')).toBe('repetition-penalty-range');
  });

  it('validates through the shared resolver: a bad value names the setting', () => {
    const overrides = samplerOverridesFromForm('balanced', { temperature: 'warm' });
    let caught: unknown;
    try {
      samplerFromChatSettings({ ...DEFAULT_CHAT_SETTINGS, samplerOverrides: overrides });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PygboxError);
    expect(caught).toMatchObject({ place: { field: 'temperature' } });
    expect(samplerFromChatSettings({ ...DEFAULT_CHAT_SETTINGS, samplerPreset: 'greedy' })).toEqual(
      SAMPLER_PRESETS.greedy,
    );
  });

  it('redraws after a save only the fields the user has not typed in since the save read them', () => {
    const read = samplerFormValues(SAMPLER_PRESETS.balanced);
    // Saved: temperature 0.70 (shown as 0.7). Meanwhile the user typed into top-k, not yet saved.
    const typedBefore = { ...read, temperature: '0.70' };
    const now = { ...typedBefore, top_k: '12' };
    const shown = samplerFormValues({ ...SAMPLER_PRESETS.balanced, temperature: 0.7 });
    expect(samplerFieldsToRedraw(typedBefore, now, shown)).toEqual({ temperature: '0.7' });
    // A new preset's values go into every field left alone since the preset was chosen.
    const greedy = samplerFormValues(SAMPLER_PRESETS.greedy);
    const redraw = samplerFieldsToRedraw(read, { ...read, top_k: '12' }, greedy);
    expect(redraw.top_k).toBeUndefined();
    expect(redraw.temperature).toBe(greedy.temperature);
  });

  it('gives each reply of a seeded chat its own seed, and leaves a random one random', () => {
    expect(seedForReply({ ...SAMPLER_PRESETS.greedy, seed: 7 }, 3).seed).toBe(10);
    expect(seedForReply({ ...SAMPLER_PRESETS.greedy, seed: 0xffff_ffff }, 1).seed).toBe(0);
    expect(seedForReply(SAMPLER_PRESETS.greedy, 3).seed).toBeUndefined();
  });
});

describe('what the page shows', () => {
  it("shows {{user}} as the display name (or You) and {{char}} as the character's name", () => {
    expect(displayText('Hi {{User}}, I am {{char}}.', 'Aria', ' Mira ')).toBe('Hi Mira, I am Aria.');
    expect(displayText('Hi {{user}}.', 'Aria', '')).toBe('Hi You.');
    expect(userLabel('  ')).toBe('You');
  });

  it('reports decode speed without the prefill', () => {
    const stats = replyStats({
      reply: 'Hi',
      rawText: ' Hi',
      tokenIds: [1, 2, 3, 4, 5],
      stopReason: 'eos',
      promptTokens: 40,
      reusedTokens: 30,
      seed: 1,
      firstTokenMs: 100,
      totalMs: 500,
    });
    expect(stats).toEqual({
      promptTokens: 40,
      reusedTokens: 30,
      firstTokenMs: 100,
      tokens: 5,
      tokensPerSecond: 10,
      stopReason: 'eos',
    });
    expect(replyStatsLine(stats)).toContain('30 reused');
    expect(replyStatsLine(stats)).toContain('5 tokens at 10 tokens/s');
    // One token has no decode speed (its time is the prefill's), and reads as one token.
    const one = replyStatsLine({ ...stats, tokens: 1, tokensPerSecond: 0 });
    expect(one).toContain('; 1 token; stopped by');
    expect(one).not.toContain('tokens/s');
  });

  it('opens a chat with no message when the character has no greeting', () => {
    const chat = newChat(
      {
        id: 'c1',
        name: 'Quiet',
        persona: '',
        scenario: '',
        greeting: ' ',
        alternateGreetings: [],
        exampleDialogue: '',
        source: 'hand-written',
        createdAt: 'x',
        updatedAt: 'x',
      },
      '2026-01-01T00:00:00Z',
    );
    expect(chat.messages).toEqual([]);
    expect(chat.characterId).toBe('c1');
  });
});
