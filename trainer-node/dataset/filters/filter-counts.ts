/**
 * Every filter, counted in stats.json, in the unit it drops: whole episodes, single messages, or
 * single examples (one bot reply as a training target; its text stays in later examples' history).
 */
export const EPISODE_FILTERS = ['excluded', 'exact-duplicate', 'near-duplicate', 'no-examples'] as const;
export const MESSAGE_FILTERS = ['empty-message', 'special-token-text'] as const;
export const EXAMPLE_FILTERS = [
  'no-history',
  'short-reply',
  'looping-reply',
  'broken-text',
  'too-long',
] as const;

export type EpisodeFilter = (typeof EPISODE_FILTERS)[number];
export type MessageFilter = (typeof MESSAGE_FILTERS)[number];
export type ExampleFilter = (typeof EXAMPLE_FILTERS)[number];

export interface FilterCounts {
  episodes: Record<EpisodeFilter, number>;
  messages: Record<MessageFilter, number>;
  examples: Record<ExampleFilter, number>;
}

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

export function emptyFilterCounts(): FilterCounts {
  return {
    episodes: zeros(EPISODE_FILTERS),
    messages: zeros(MESSAGE_FILTERS),
    examples: zeros(EXAMPLE_FILTERS),
  };
}
