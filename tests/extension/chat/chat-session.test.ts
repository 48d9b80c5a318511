import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { newChat, promptHistory } from '../../../extension/chat/chat-edits.ts';
import { ChatSession } from '../../../extension/chat/chat-session.ts';
import { promptCharacter } from '../../../extension/chat/prompt-character.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { prepareReplyPrompt } from '../../../shared/generate/prepare-reply-prompt.ts';
import { SAMPLER_PRESETS } from '../../../shared/generate/sampler-presets.ts';
import type { LocalCharacter } from '../../../shared/local-chat/local-character.ts';
import { openLocalChatStore } from '../../../shared/local-chat/local-chat-store.ts';
import { fixtureTokenizer } from '../../trainer-node/dataset/tokenizer-fixture.ts';
import { ScriptedModel, type SeenCache } from './scripted-model.ts';

const greedy = { ...SAMPLER_PRESETS.greedy, max_new_tokens: 40 };
const MODEL_ID = 'a'.repeat(64);

async function openSession(options: { contextLength?: number; character?: Partial<LocalCharacter> } = {}) {
  const tokenizer = await fixtureTokenizer('opt');
  const store = await openLocalChatStore({ factory: new IDBFactory() });
  const character = await store.putCharacter({
    name: 'Aria',
    persona: '{{char}} keeps the lighthouse and calls {{user}} traveler.',
    greeting: 'Welcome, {{user}}. Mind the stairs.',
    alternateGreetings: ['Oh! A visitor.'],
    source: 'hand-written',
    ...options.character,
  });
  const model = new ScriptedModel(tokenizer, tokenizer.vocabSize);
  const chat = await store.saveChat(newChat(character, new Date().toISOString()), {});
  const session = new ChatSession<SeenCache>({ store, character, chat });
  await session.setModel({
    id: MODEL_ID,
    name: 'tiny-opt',
    decoder: model,
    tokenizer,
    contextLength: options.contextLength ?? 2048,
    eosIds: [tokenizer.eosId],
  });
  return { session, store, model, tokenizer, character };
}

const shownTexts = (session: ChatSession<SeenCache>) =>
  session.chat.messages.map((message) => message.swipes[message.selected]?.text);

describe('the chat session', () => {
  it('opens with the greeting, its alternates as swipes of the first message', async () => {
    const { session } = await openSession();
    expect(session.chat.messages).toHaveLength(1);
    expect(session.chat.messages[0]?.swipes.map((swipe) => swipe.text)).toEqual([
      'Welcome, {{user}}. Mind the stairs.',
      'Oh! A visitor.',
    ]);
  });

  it('sends: streams the reply in order, stores it with the model id and the exact prompt', async () => {
    const { session, store, model, tokenizer, character } = await openSession();
    model.say(' The lamp is lit, traveler. Come in.');
    const pieces: string[] = [];
    let started: number | undefined;
    const outcome = await session.send('Hello there!', greedy, {
      onStart: (_chat, index) => {
        started = index;
      },
      onText: (text) => pieces.push(text),
    });
    expect(started).toBe(2);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe('The lamp is lit, traveler. Come in.');
    expect(outcome.result.stopReason).toBe('eos');
    const expected = prepareReplyPrompt(
      promptCharacter(character),
      [
        { role: 'char', text: 'Welcome, {{user}}. Mind the stairs.' },
        { role: 'user', text: 'Hello there!' },
      ],
      tokenizer,
      { contextLength: 2048, maxNewTokens: 40 },
    );
    expect(outcome.prompt.ids).toEqual(expected.ids);
    expect(outcome.prompt.text).toBe(
      "Aria's Persona: Aria keeps the lighthouse and calls You traveler.\n<START>\nAria: Welcome, You. Mind the stairs.\nYou: Hello there!\nAria:",
    );
    const reply = session.chat.messages[2]?.swipes[0];
    expect(reply).toMatchObject({
      text: 'The lamp is lit, traveler. Come in.',
      modelId: MODEL_ID,
      prompt: outcome.prompt.text,
    });
    // Saved: the stored chat is the session's.
    expect(await store.getChat(session.chat.id)).toEqual(session.chat);
  });

  it('stop keeps the partial reply', async () => {
    const { session, model } = await openSession();
    model.say(' One two three four five six seven eight nine ten.');
    const pieces: string[] = [];
    const outcome = await session.send('Count for me.', greedy, {
      onText: (text) => {
        pieces.push(text);
        if (pieces.length === 3) session.stop();
      },
    });
    expect(outcome.result.stopReason).toBe('aborted');
    const kept = session.chat.messages[2]?.swipes[0]?.text ?? '';
    expect(kept).toBe(pieces.join(''));
    expect(kept.startsWith('One two')).toBe(true);
    expect(kept).not.toContain('ten');
    expect(session.generating).toBe(false);
  });

  it('frees the kept cache when the model is switched', async () => {
    const { session, model } = await openSession();
    model.say(' The lamp is lit.');
    await session.send('Hello!', greedy);
    expect(model.disposed).toBe(0);
    await session.setModel(undefined);
    expect(model.disposed).toBe(1);
  });

  it('close stops the reply, waits for it to be saved, then frees the cache it put back', async () => {
    const { session, model, store } = await openSession();
    model.say(' One two three four five six seven eight nine ten.');
    let closeAsked = false;
    let askClose = (_closing: Promise<void>): void => {};
    // Settles when the close asked for during the reply has settled (a promise adopts a promise).
    const closed = new Promise<void>((resolve) => {
      askClose = resolve;
    });
    const sent = session.send('Count for me.', greedy, {
      onText: () => {
        if (closeAsked) return;
        closeAsked = true;
        askClose(session.close());
      },
    });
    await closed;
    // Closed means done: the stopped reply is stored (a delete that follows cannot be undone by
    // a late save) and the cache the generation handed back on its way out is freed.
    expect((await store.getChat(session.chat.id))?.messages).toHaveLength(3);
    expect(model.disposed).toBe(1);
    expect((await sent).result.stopReason).toBe('aborted');
  });

  it('refuses to overwrite the chat when another tab saved it meanwhile, and keeps it as it was', async () => {
    const { session, store, model, character } = await openSession();
    const other = new ChatSession<SeenCache>({ store, character, chat: session.chat });
    await other.browse(0, 1);
    model.say(' Hello.');
    await expect(session.send('Hi!', greedy)).rejects.toMatchObject({ code: 'store-failed' });
    await expect(session.rate(0, 'up')).rejects.toThrow(/another tab/);
    expect(await store.getChat(session.chat.id)).toEqual(other.chat);
    expect(session.chat.messages).toHaveLength(1);
  });

  it('a later turn reuses the cache: its first forward feeds only the new lines', async () => {
    const { session, model } = await openSession();
    model.say(' The lamp is lit.');
    await session.send('Hello!', greedy);
    model.say(' Tea, then.');
    const second = await session.send('I would like some tea.', greedy);
    const first = model.lastGenerationCalls[0];
    expect(second.result.reusedTokens).toBeGreaterThan(0);
    expect(first?.fed.length).toBe(second.prompt.ids.length - second.result.reusedTokens);
    expect(first?.fed.length).toBeLessThan(15);
    expect(shownTexts(session).at(-1)).toBe('Tea, then.');
  });

  it('regenerate adds a selected swipe, keeps the old one, and runs the whole prompt again', async () => {
    const { session, model, store } = await openSession();
    model.say(' First answer.');
    const first = await session.send('Hello!', greedy);
    model.say(' Second answer.');
    const second = await session.regenerate(greedy);
    expect(second.prompt.text).toBe(first.prompt.text);
    expect(model.lastGenerationCalls[0]?.fed).toEqual(second.prompt.ids);
    expect(second.result.reusedTokens).toBe(0);
    const last = session.chat.messages[2];
    expect(last?.swipes.map((swipe) => swipe.text)).toEqual(['First answer.', 'Second answer.']);
    expect(last?.selected).toBe(1);
    await session.browse(2, -1);
    expect(shownTexts(session).at(-1)).toBe('First answer.');
    await session.browse(2, -1);
    expect(session.chat.messages[2]?.selected).toBe(0);
    // Going on from the first answer keeps it: the second was swiped away.
    model.say(' Goodnight.');
    await session.send('Thanks.', greedy);
    const [record] = await store.listPreferences();
    expect(record).toMatchObject({
      chosen: { text: 'First answer.', modelId: MODEL_ID, via: 'kept' },
      rejected: [{ text: 'Second answer.', via: 'swiped-away' }],
      prompt: first.prompt.text,
      modelNames: { [MODEL_ID]: 'tiny-opt' },
    });
  });

  it('an edit of an earlier message marks it edited, reaches the next prompt and drops the cache', async () => {
    const { session, model } = await openSession();
    model.say(' The lamp is lit.');
    await session.send('Hello!', greedy);
    await session.edit(1, 'Good evening!');
    expect(session.chat.messages[1]).toMatchObject({ edited: true, swipes: [{ text: 'Good evening!' }] });
    await expect(session.edit(1, '  \n')).rejects.toMatchObject({ code: 'usage' });
    expect(session.chat.messages[1]?.swipes[0]?.text).toBe('Good evening!');
    model.say(' Indeed.');
    const next = await session.send('Nice lamp.', greedy);
    expect(next.prompt.text).toContain('\nYou: Good evening!\n');
    expect(next.result.reusedTokens).toBe(0);
    expect(model.lastGenerationCalls[0]?.fed).toEqual(next.prompt.ids);
  });

  it('delete removes any message and the next prompt no longer holds it', async () => {
    const { session, model } = await openSession();
    model.say(' The lamp is lit.');
    await session.send('Hello!', greedy);
    await session.remove(0);
    expect(shownTexts(session)).toEqual(['Hello!', 'The lamp is lit.']);
    model.say(' Yes.');
    const next = await session.send('Really?', greedy);
    expect(next.prompt.text).not.toContain('Welcome');
    expect(next.result.reusedTokens).toBe(0);
  });

  it('continue appends to the shown swipe, the prompt ending with the reply so far', async () => {
    const { session, model } = await openSession();
    model.say(' The lamp is lit');
    await session.send('Hello!', greedy);
    model.say(', and the kettle is on.');
    const pieces: string[] = [];
    const outcome = await session.continueReply(greedy, { onText: (text) => pieces.push(text) });
    expect(outcome.prompt.text.endsWith('\nYou: Hello!\nAria: The lamp is lit')).toBe(true);
    expect(pieces.join('')).toBe(', and the kettle is on.');
    const swipe = session.chat.messages[2]?.swipes[0];
    expect(swipe?.text).toBe('The lamp is lit, and the kettle is on.');
    expect(swipe?.prompt).toBe(outcome.prompt.text.slice(0, -' The lamp is lit'.length));
    expect(swipe?.prompt?.endsWith('\nAria:')).toBe(true);
    // The cache covers exactly this prompt (the reply ended at end-of-sequence, every token fed),
    // and a forward needs at least one new id for its logits: the prompt runs whole.
    expect(outcome.result.reusedTokens).toBe(0);
  });

  it('continue after stop reuses the cache of the stopped reply', async () => {
    const { session, model } = await openSession();
    model.say(' One two three four five six seven eight nine ten.');
    let pieces = 0;
    await session.send('Count for me.', greedy, {
      onText: () => {
        pieces += 1;
        if (pieces === 3) session.stop();
      },
    });
    const stopped = session.chat.messages[2]?.swipes[0]?.text ?? '';
    model.say(' and on.');
    const outcome = await session.continueReply(greedy);
    expect(outcome.result.reusedTokens).toBeGreaterThan(0);
    expect(model.lastGenerationCalls[0]?.fed.length).toBe(1);
    expect(session.chat.messages[2]?.swipes[0]?.text).toBe(`${stopped} and on.`);
  });

  it('continue of a greeting keeps its placeholders in the stored text', async () => {
    const { session, model } = await openSession();
    model.say(' They creak.');
    await session.continueReply(greedy);
    expect(shownTexts(session)).toEqual(['Welcome, {{user}}. Mind the stairs. They creak.']);
    expect(session.chat.messages[0]?.swipes[0]?.modelId).toBe(MODEL_ID);
  });

  it('ratings toggle and become preference records', async () => {
    const { session, model, store } = await openSession();
    model.say(' Bad answer.');
    await session.send('Hello!', greedy);
    model.say(' Good answer.');
    await session.regenerate(greedy);
    await session.rate(2, 'up');
    await session.browse(2, -1);
    await session.rate(2, 'down');
    expect(session.chat.messages[2]?.swipes.map((swipe) => swipe.rating)).toEqual(['down', 'up']);
    let records = await store.listPreferences();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      chosen: { text: 'Good answer.', via: 'rated-up' },
      rejected: [{ text: 'Bad answer.', via: 'rated-down' }],
    });
    await session.rate(2, 'down');
    expect(session.chat.messages[2]?.swipes[0]?.rating).toBeNull();
    records = await store.listPreferences();
    expect(records[0]?.rejected).toEqual([]);
  });

  it('trims the oldest lines to fit the context, never the persona', async () => {
    const { session, model } = await openSession({ contextLength: 120 });
    for (let turn = 0; turn < 6; turn += 1) {
      model.say(` Answer number ${turn} about the long evening.`);
      await session.send(`Question number ${turn} about the long evening?`, greedy);
    }
    const last = session.lastGeneration;
    expect(last?.prompt.droppedTurns).toBeGreaterThan(0);
    expect(last?.prompt.ids.length).toBeLessThanOrEqual(120 - greedy.max_new_tokens);
    expect(last?.prompt.text.startsWith("Aria's Persona: Aria keeps the lighthouse")).toBe(true);
    expect(last?.prompt.text).not.toContain('Welcome');
    expect(last?.prompt.text.endsWith('\nYou: Question number 5 about the long evening?\nAria:')).toBe(true);
    // The front of the prompt changed, so the cache could not be reused.
    expect(last?.result.reusedTokens).toBe(0);
  });

  it('a failed generation leaves the chat as it was and says why', async () => {
    const { session, store } = await openSession({ contextLength: 60 });
    const before = session.chat;
    let caught: unknown;
    try {
      await session.send('A long message. '.repeat(40), greedy);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PygboxError);
    expect((caught as PygboxError).describe()).toContain('context');
    expect(session.chat).toBe(before);
    expect((await store.getChat(before.id))?.messages).toHaveLength(1);
    expect(session.generating).toBe(false);
  });

  it('refuses to generate without a model, and any change while a reply is written', async () => {
    const { session, model } = await openSession();
    model.say(' Slowly.');
    let during: unknown;
    await session.send('Hi', greedy, {
      onText: () => {
        session.edit(0, 'changed').catch((error: unknown) => {
          during = error;
        });
      },
    });
    expect(during).toBeInstanceOf(PygboxError);
    await session.setModel(undefined);
    await expect(session.regenerate(greedy)).rejects.toThrow(/no model is loaded/);
  });

  it('builds the history from the selected swipes, user text as written', async () => {
    const { session } = await openSession();
    await session.browse(0, 1);
    expect(promptHistory(session.chat)).toEqual([{ role: 'char', text: 'Oh! A visitor.' }]);
  });
});
