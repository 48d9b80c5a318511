import type { Episode } from '../../../trainer-node/dataset/episode.ts';

/** Invented episodes for the builder tests; texts hold placeholders as anonymized chats do. */
export function ariaEpisode(overrides: Partial<Episode> = {}): Episode {
  return {
    source: 'pygbox-zip',
    key: '0123456789abcdef0123456789abcdef',
    character: { name: 'Aria Vale', persona: 'A calm lighthouse keeper who collects stories.' },
    turns: [
      { role: 'char', text: 'The lamp is lit. Who climbs my stairs so late?' },
      { role: 'user', text: "Hi! I'm {{user}} and I got lost on the cliff path." },
      { role: 'char', text: '{{user}}... a lovely name. Come in from the wind.' },
      { role: 'char', text: 'Sit by the fire, traveler, and dry your coat.' },
      { role: 'user', text: 'Thank you, {{char}}. Is there tea?' },
      { role: 'char', text: 'There is always tea in a lighthouse, my friend.' },
    ],
    ...overrides,
  };
}
