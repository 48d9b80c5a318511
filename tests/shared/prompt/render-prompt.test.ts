import { describe, expect, it } from 'vitest';
import { fillPlaceholders } from '../../../shared/prompt/fill-placeholders.ts';
import { fitHistory } from '../../../shared/prompt/fit-history.ts';
import { hasReplyStop, parseReply } from '../../../shared/prompt/parse-reply.ts';
import type { PromptCharacter, PromptTurn } from '../../../shared/prompt/prompt-format.ts';
import { promptPieces } from '../../../shared/prompt/prompt-pieces.ts';
import { renderPrompt } from '../../../shared/prompt/render-prompt.ts';

const aria: PromptCharacter = {
  name: 'Aria Vale',
  persona: '{{char}} keeps the north lighthouse and calls {{user}} "traveler".',
  scenario: 'A storm night; {{user}} knocks at the door.',
};
const history: PromptTurn[] = [
  { role: 'char', text: 'The lamp is lit.' },
  { role: 'user', text: "  I'm {{user}}, lost on the cliff path.  " },
  { role: 'char', text: 'Come in from the wind, {{User}}.' },
  { role: 'char', text: 'And mind the third step.' },
  { role: 'user', text: 'Thank you, {{char}}!' },
];
const words = (text: string) => text.split(/\s+/).filter((word) => word !== '').length;
const roomy = { countTokens: words, budget: 1000, reserve: 10 };

describe('the Pygmalion prompt format', () => {
  it('renders persona, scenario, <START>, one line a turn and the cue, byte for byte', () => {
    expect(renderPrompt(aria, history, roomy)?.text).toBe(
      [
        'Aria Vale\'s Persona: Aria Vale keeps the north lighthouse and calls You "traveler".',
        'Scenario: A storm night; You knocks at the door.',
        '<START>',
        'Aria Vale: The lamp is lit.',
        "You: I'm You, lost on the cliff path.",
        'Aria Vale: Come in from the wind, You.',
        'Aria Vale: And mind the third step.',
        'You: Thank you, Aria Vale!',
        'Aria Vale:',
      ].join('\n'),
    );
  });

  it('labels speakers by role, never by alternation, and never as <BOT> (the toolbox rewrite bug)', () => {
    const text = renderPrompt(aria, history, roomy)?.text ?? '';
    // Two character turns in a row stay two character lines; every turn is on its own line.
    expect(text).toContain('Aria Vale: Come in from the wind, You.\nAria Vale: And mind the third step.\n');
    expect(text).not.toMatch(/<BOT>|<USER>|\{\{|\}\}/);
    expect(text.split('\n').filter((line) => line.startsWith('You: '))).toHaveLength(2);
  });

  it('leaves out empty persona and scenario lines but keeps <START>', () => {
    expect(
      renderPrompt({ name: 'Unit Seven', persona: '  ' }, [{ role: 'user', text: 'Hi' }], roomy)?.text,
    ).toBe('<START>\nYou: Hi\nUnit Seven:');
  });

  it('fills placeholders case-insensitively: the user is You, the character is itself', () => {
    expect(fillPlaceholders('{{USER}} met {{Char}} and {{user}}', 'Quill')).toBe('You met Quill and You');
  });

  it('drops the oldest turns first to fit the budget and never the persona', () => {
    const pieces = promptPieces(aria, history);
    const fixed = words(pieces.header) + words(pieces.cue);
    const lastTwo = words(pieces.lines[3] ?? '') + words(pieces.lines[4] ?? '');
    const rendered = renderPrompt(aria, history, {
      countTokens: words,
      budget: fixed + lastTwo + 5,
      reserve: 5,
    });
    expect(rendered?.keptTurns).toBe(2);
    expect(rendered?.droppedTurns).toBe(3);
    expect(rendered?.text.startsWith(pieces.header)).toBe(true);
    expect(rendered?.text).not.toContain('The lamp is lit.');
    expect(rendered?.text).toContain('And mind the third step.');
    expect(rendered?.tokens).toBe(fixed + lastTwo);
    // Room for the newest turn and not one more: that turn alone.
    const newest = words(pieces.lines[4] ?? '');
    expect(
      renderPrompt(aria, history, { countTokens: words, budget: fixed + newest + 5, reserve: 5 })?.keptTurns,
    ).toBe(1);
    // Room for the persona block and the reply but not the newest turn (the message the reply
    // answers): nothing, rather than a prompt that silently leaves out what the user just said.
    expect(
      renderPrompt(aria, history, { countTokens: words, budget: fixed + 5, reserve: 5 }),
    ).toBeUndefined();
    // With no history yet (the greeting), the persona block alone is a prompt.
    expect(renderPrompt(aria, [], { countTokens: words, budget: fixed + 5, reserve: 5 })?.keptTurns).toBe(0);
    // The persona alone does not fit: nothing is rendered rather than a prompt without it.
    expect(
      renderPrompt(aria, history, { countTokens: words, budget: fixed + 4, reserve: 5 }),
    ).toBeUndefined();
  });

  it('counts special tokens the tokenizer adds against the budget', () => {
    const pieces = promptPieces(aria, history);
    const fixed = words(pieces.header) + words(pieces.cue);
    expect(fitHistory(fixed, [1, 1], fixed + 2)).toBe(0);
    expect(
      renderPrompt(aria, history, { countTokens: words, budget: fixed, reserve: 0, specialTokens: 1 }),
    ).toBeUndefined();
  });
});

describe('example dialogue and continuation', () => {
  const examples =
    '<START>\r\n{{user}}: Is the lamp lit?\r\n{{char}}: Always, {{User}}.\n<START>\n{{user}}: Storm tonight?\n{{char}}: The sea knocks.  ';

  it('renders the examples right after <START>, placeholders filled, separators between them kept', () => {
    expect(renderPrompt({ ...aria, exampleDialogue: examples }, history.slice(4), roomy)?.text).toBe(
      [
        'Aria Vale\'s Persona: Aria Vale keeps the north lighthouse and calls You "traveler".',
        'Scenario: A storm night; You knocks at the door.',
        '<START>',
        'You: Is the lamp lit?',
        'Aria Vale: Always, You.',
        '<START>',
        'You: Storm tonight?',
        'Aria Vale: The sea knocks.',
        'You: Thank you, Aria Vale!',
        'Aria Vale:',
      ].join('\n'),
    );
  });

  it('renders exactly as before when the examples are absent or blank', () => {
    const without = renderPrompt(aria, history, roomy)?.text;
    expect(renderPrompt({ ...aria, exampleDialogue: '' }, history, roomy)?.text).toBe(without);
    expect(renderPrompt({ ...aria, exampleDialogue: ' \n<START>\n ' }, history, roomy)?.text).toBe(without);
  });

  it('keeps the examples when trimming: they are part of the header', () => {
    const character = { ...aria, exampleDialogue: examples };
    const pieces = promptPieces(character, history);
    expect(pieces.header).toContain('The sea knocks.');
    const fixed = words(pieces.header) + words(pieces.cue);
    const rendered = renderPrompt(character, history, {
      countTokens: words,
      budget: fixed + words(pieces.lines[4] ?? '') + 5,
      reserve: 5,
    });
    expect(rendered?.keptTurns).toBe(1);
    expect(rendered?.text.startsWith(pieces.header)).toBe(true);
  });

  it('ends a continuation with the reply so far instead of the bare cue', () => {
    const rendered = renderPrompt(aria, history, { ...roomy, partialReply: '  Come in, {{user}}, and ' });
    expect(rendered?.text.endsWith('\nYou: Thank you, Aria Vale!\nAria Vale: Come in, You, and')).toBe(true);
    // A blank reply so far is no continuation.
    expect(renderPrompt(aria, history, { ...roomy, partialReply: ' ' })?.text).toBe(
      renderPrompt(aria, history, roomy)?.text,
    );
  });
});

describe('parseReply', () => {
  it('stops at the next "\\nYou:" and trims', () => {
    expect(parseReply(' Mind the step.\nYou: thanks\nAria Vale: ok')).toBe('Mind the step.');
  });

  it('stops at the end-of-sequence text when given', () => {
    expect(parseReply(' Goodnight.</s>You: more', { eosText: '</s>' })).toBe('Goodnight.');
  });

  it('keeps "You:" inside a line and further character lines', () => {
    expect(parseReply(' She said "You: first".\nAria Vale: And more.')).toBe(
      'She said "You: first".\nAria Vale: And more.',
    );
  });

  it('tells streamed text that has a complete stop from one that might still grow into it', () => {
    expect(hasReplyStop('Hello\nYo')).toBe(false);
    expect(hasReplyStop('Hello\nYou:')).toBe(true);
  });
});
