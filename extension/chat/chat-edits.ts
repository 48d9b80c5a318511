import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { LocalCharacter } from '../../shared/local-chat/local-character.ts';
import type { LocalChat, LocalMessage, LocalSwipe } from '../../shared/local-chat/local-chat.ts';
import { newLocalId } from '../../shared/local-chat/new-local-id.ts';
import type { PromptTurn } from '../../shared/prompt/prompt-format.ts';

/**
 * The message operations of the chat page as pure functions: each takes a chat and returns the
 * changed copy (the input is never touched), so the session can keep the chat as it was when a
 * generation or a save fails. Nothing here knows about models or storage.
 */

/** A new chat with the character: its greeting first, the alternate greetings as that message's swipes. */
export function newChat(character: LocalCharacter, now: string, id = newLocalId()): LocalChat {
  const greetings = [character.greeting, ...character.alternateGreetings].filter(
    (text) => text.trim() !== '',
  );
  const messages: LocalMessage[] =
    greetings.length === 0
      ? []
      : [
          {
            id: newLocalId(),
            role: 'char',
            swipes: greetings.map((text) => writtenSwipe(text, now)),
            selected: 0,
            edited: false,
          },
        ];
  return { id, characterId: character.id, title: character.name, createdAt: now, updatedAt: now, messages };
}

/** A swipe no model wrote: the user's text, a greeting. */
export function writtenSwipe(text: string, now: string): LocalSwipe {
  return { text, rating: null, modelId: null, prompt: null, createdAt: now };
}

/** The text each message shows and the next prompt continues from: its selected swipe. */
export function selectedText(message: LocalMessage): string {
  return message.swipes[message.selected]?.text ?? '';
}

/** The prompt's history: the selected swipe of each message before `end`, user text as written. */
export function promptHistory(chat: LocalChat, end = chat.messages.length): PromptTurn[] {
  return chat.messages.slice(0, end).map((message) => ({ role: message.role, text: selectedText(message) }));
}

export function appendUserMessage(chat: LocalChat, text: string, now: string): LocalChat {
  const message: LocalMessage = {
    id: newLocalId(),
    role: 'user',
    swipes: [writtenSwipe(text, now)],
    selected: 0,
    edited: false,
  };
  return touched({ ...chat, messages: [...chat.messages, message] }, now);
}

/** A new char message holding one swipe. */
export function appendCharMessage(chat: LocalChat, swipe: LocalSwipe, now: string): LocalChat {
  const message: LocalMessage = {
    id: newLocalId(),
    role: 'char',
    swipes: [swipe],
    selected: 0,
    edited: false,
  };
  return touched({ ...chat, messages: [...chat.messages, message] }, now);
}

/** Another swipe on a char message, selected; the earlier ones are kept to browse back to. */
export function addSwipe(chat: LocalChat, index: number, swipe: LocalSwipe, now: string): LocalChat {
  return changeMessage(chat, index, now, (message) => {
    requireChar(message, index);
    return { ...message, swipes: [...message.swipes, swipe], selected: message.swipes.length };
  });
}

/** Replaces the selected swipe of a message (a continued reply). */
export function replaceSelectedSwipe(
  chat: LocalChat,
  index: number,
  swipe: LocalSwipe,
  now: string,
): LocalChat {
  return changeMessage(chat, index, now, (message) => ({
    ...message,
    swipes: message.swipes.map((old, at) => (at === message.selected ? swipe : old)),
  }));
}

/** Shows the previous (-1) or next (+1) swipe; at either end nothing changes. */
export function browseSwipe(chat: LocalChat, index: number, step: -1 | 1, now: string): LocalChat {
  const message = messageAt(chat, index);
  const selected = message.selected + step;
  if (selected < 0 || selected >= message.swipes.length) return chat;
  return changeMessage(chat, index, now, () => ({ ...message, selected }));
}

/**
 * The message's shown text becomes `text`, and it is marked edited. Blank text is refused: it
 * would put an empty line in every later prompt, a shape the model never saw in training.
 */
export function editMessage(chat: LocalChat, index: number, text: string, now: string): LocalChat {
  if (text.trim() === '') {
    throw new PygboxError('usage', 'an edited message cannot be empty', {
      place: { field: `messages[${index}]` },
      hint: 'write something, or delete the message instead',
    });
  }
  return changeMessage(chat, index, now, (message) => ({
    ...message,
    swipes: message.swipes.map((swipe, at) => (at === message.selected ? { ...swipe, text } : swipe)),
    edited: true,
  }));
}

export function deleteMessage(chat: LocalChat, index: number, now: string): LocalChat {
  messageAt(chat, index);
  return touched({ ...chat, messages: chat.messages.filter((_message, at) => at !== index) }, now);
}

/** Rates the shown swipe of a char message; the same rating again takes it back. */
export function toggleRating(chat: LocalChat, index: number, rating: 'up' | 'down', now: string): LocalChat {
  return changeMessage(chat, index, now, (message) => {
    requireChar(message, index);
    return {
      ...message,
      swipes: message.swipes.map((swipe, at) =>
        at === message.selected ? { ...swipe, rating: swipe.rating === rating ? null : rating } : swipe,
      ),
    };
  });
}

/** How many swipes in the chat a model wrote: a seeded chat draws reply n with seed + n. */
export function generatedSwipeCount(chat: LocalChat): number {
  return chat.messages.reduce(
    (sum, message) => sum + message.swipes.filter((swipe) => swipe.modelId !== null).length,
    0,
  );
}

function changeMessage(
  chat: LocalChat,
  index: number,
  now: string,
  change: (message: LocalMessage) => LocalMessage,
): LocalChat {
  const changed = change(messageAt(chat, index));
  return touched({ ...chat, messages: chat.messages.map((old, at) => (at === index ? changed : old)) }, now);
}

function messageAt(chat: LocalChat, index: number): LocalMessage {
  const message = chat.messages[index];
  if (message === undefined) {
    throw new PygboxError('usage', `there is no message ${index} in this chat`, {
      place: { field: `messages[${index}]` },
      hint: 'the chat changed meanwhile: reload the page',
    });
  }
  return message;
}

function requireChar(message: LocalMessage, index: number): void {
  if (message.role !== 'char') {
    throw new PygboxError('usage', 'only character messages have swipes and ratings', {
      place: { field: `messages[${index}]` },
    });
  }
}

function touched(chat: LocalChat, now: string): LocalChat {
  return { ...chat, updatedAt: now };
}
