import type { ChatTokenizer } from '../../shared/generate/chat-tokenizer.ts';
import type { DecoderModel } from '../../shared/generate/decoder-model.ts';

/**
 * The loaded model as the chat session needs it: the installed model's id and name (recorded on
 * every swipe it writes and in the preference records) and what generation runs on. The page
 * builds it from `loadBrowserModel`'s BrowserChatModel; tests from a scripted DecoderModel.
 */
export interface ChatModel<Cache> {
  /** sha256 of the model's pygbox-model.json, as the model library names it. */
  id: string;
  /** The manifest's name, for the preference records. */
  name: string;
  decoder: DecoderModel<Cache>;
  tokenizer: ChatTokenizer;
  contextLength: number;
  eosIds: readonly number[];
}
