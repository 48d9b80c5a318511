/**
 * The tokenizer as generation uses it: the model folder's own tokenizer.json, the one the dataset
 * was built with, so a prompt has the ids training gave it. Node loads it with
 * `@huggingface/tokenizers` (trainer-node's DatasetTokenizer has this shape); the chat page can
 * build the same from the imported model's files.
 */
export interface ChatTokenizer {
  /** Ids of a piece of text, no special tokens added. */
  encode(text: string): number[];
  /** Ids of a whole prompt as the model gets it, the special prefix (OPT's `</s>`) added. */
  encodeWithSpecials(text: string): number[];
  decode(ids: readonly number[]): string;
  /** What encodeWithSpecials puts before a text. */
  prefixIds: readonly number[];
  eosId: number;
  eosText: string;
}
