import type { PromptCharacter, PromptTurn } from '../../shared/prompt/prompt-format.ts';

/** Where an episode came from; counted per kind in stats.json. */
export type SourceKind = 'pygbox-zip' | 'capture' | 'dumper' | 'pippa' | 'sillytavern';
export const SOURCE_KINDS: readonly SourceKind[] = [
  'pygbox-zip',
  'capture',
  'dumper',
  'pippa',
  'sillytavern',
];

/**
 * One anonymized conversation, ready to become examples: the character (name, persona, scenario)
 * and the turns in order, roles from the source's human flags. Texts still hold `{{user}}` and
 * `{{char}}`; the prompt renderer fills them. `key` is the chat's content key (the export zip's
 * `key`): exclusions name it, near-duplicates share it, and the train/eval split hashes it.
 */
export interface Episode {
  source: SourceKind;
  key: string;
  character: PromptCharacter;
  turns: PromptTurn[];
}
