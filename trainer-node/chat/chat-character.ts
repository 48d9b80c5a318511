import type { PromptCharacter } from '../../shared/prompt/prompt-format.ts';

/**
 * Who the model plays in `pygbox chat`, and the greeting that opens the chat (a card's first
 * message, a dumped chat's first character message). Texts may hold `{{user}}` and `{{char}}`;
 * the prompt module fills them.
 */
export interface ChatCharacter {
  character: PromptCharacter;
  greeting?: string;
  /** Where it came from, for the status line. */
  source: string;
}

/** When no card or chat is given: a plain companion, so a model can be tried at once. */
export const DEFAULT_CHAT_CHARACTER: ChatCharacter = {
  character: {
    name: 'Assistant',
    persona: '{{char}} is a friendly, curious companion who chats with {{user}}.',
  },
  source: 'the default character',
};
