import type { LocalChat, LocalMessage, LocalSwipe } from '../../../shared/local-chat/local-chat.ts';

/** Invented local chats for the tests: every name and line is made up. */
export const MODEL_A = 'a'.repeat(64);
export const MODEL_B = 'b'.repeat(64);
export const PROMPT_1 = 'Chef Sprocket: Welcome!\nYou: What is for dinner?\nChef Sprocket:';
export const PROMPT_EDITED = 'Chef Sprocket: Welcome!\nYou: What is for lunch?\nChef Sprocket:';

export function reply(text: string, options: Partial<LocalSwipe> = {}): LocalSwipe {
  return {
    text,
    rating: null,
    modelId: MODEL_A,
    prompt: PROMPT_1,
    createdAt: '2024-05-01T10:00:00.000Z',
    ...options,
  };
}

export function charMessage(id: string, swipes: LocalSwipe[], selected = 0): LocalMessage {
  return { id, role: 'char', swipes, selected, edited: false };
}

export function userMessage(id: string, text: string): LocalMessage {
  return {
    id,
    role: 'user',
    swipes: [{ text, rating: null, modelId: null, prompt: null, createdAt: '2024-05-01T09:59:00.000Z' }],
    selected: 0,
    edited: false,
  };
}

export const GREETING = charMessage('m0', [
  { text: 'Welcome!', rating: null, modelId: null, prompt: null, createdAt: '2024-05-01T09:58:00.000Z' },
]);

export function chatOf(messages: LocalMessage[], options: Partial<LocalChat> = {}): LocalChat {
  return {
    id: 'chat-1',
    characterId: 'char-1',
    title: 'Dinner',
    createdAt: '2024-05-01T09:58:00.000Z',
    updatedAt: '2024-05-01T10:05:00.000Z',
    messages,
    ...options,
  };
}
