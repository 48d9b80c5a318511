import { createHash } from 'node:crypto';
import type { Episode } from '../episode.ts';
import type { FilterCounts } from './filter-counts.ts';

/**
 * How many leading turns put episodes in one group. Two, not the export key's four: the first
 * example an episode can give needs two turns, and an early dump of two or three turns (which
 * that example comes from) must meet the longer dump of the same chat, or it is kept twice and
 * can land on the other side of the split.
 */
const LEAD_TURNS = 2;
/**
 * A shorter episode whose turns match a kept one's from the start, for this share of its length or
 * for all but its last turn (an edited or re-rolled last message), is the same chat.
 */
const NEAR_DUPLICATE_SHARE = 0.9;

export interface DedupedEpisode {
  episode: Episode;
  /** Same for every re-export of one chat: the train/eval split hashes it, so they land together. */
  splitKey: string;
}

/**
 * Exact and near duplicates. People re-send longer dumps of the same chat, and one chat arrives
 * from several sources (a zip and the capture it came from): episodes are grouped by character and
 * first two turns (case and spacing folded), the longest of a group is kept, and a shorter one that
 * matches it turn for turn (90% of its turns, or all but an edited last one) is dropped as
 * a near duplicate, an identical one as an exact duplicate. Episodes of a group that really diverge
 * (a chat restarted from the same greeting) are kept, and share the group's split key.
 *
 * Exclusions (chat keys) are applied here, not before: a key names one dump of a chat, and an
 * earlier, shorter dump has another key (keys hash the first four messages). An excluded episode
 * takes the one it duplicates out with it, and one that duplicates it goes as a duplicate, so no
 * dump of an excluded chat is trained on. Every episode is counted once.
 */
export function dedupeEpisodes(
  episodes: readonly Episode[],
  counts: FilterCounts,
  excluded: ReadonlySet<string> = new Set(),
): DedupedEpisode[] {
  const groups = new Map<string, { index: number; episode: Episode }[]>();
  for (const [index, episode] of episodes.entries()) {
    const key = groupKey(episode);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [{ index, episode }]);
    else group.push({ index, episode });
  }
  const kept: (DedupedEpisode & { index: number })[] = [];
  const keep = (entry: { index: number; episode: Episode; excluded: boolean }, splitKey: string) => {
    if (entry.excluded) counts.episodes.excluded += 1;
    else kept.push({ index: entry.index, episode: entry.episode, splitKey });
  };
  for (const [splitKey, group] of groups) {
    if (group.length === 1) {
      // Most chats are alone in their group: nothing to compare, no need to fold every turn.
      for (const entry of group) keep({ ...entry, excluded: excluded.has(entry.episode.key) }, splitKey);
      continue;
    }
    // Longest first; among equals, the one listed first.
    const ordered = group
      .map((entry) => ({
        ...entry,
        folded: entry.episode.turns.map(foldTurn),
        excluded: excluded.has(entry.episode.key),
      }))
      .sort((a, b) => b.folded.length - a.folded.length || a.index - b.index);
    const keptHere: typeof ordered = [];
    for (const candidate of ordered) {
      const duplicateOf = keptHere.find((other) => sharedPrefix(candidate.folded, other.folded) >= 0);
      if (duplicateOf === undefined) {
        keptHere.push(candidate);
        continue;
      }
      if (candidate.excluded) duplicateOf.excluded = true;
      const identical =
        candidate.folded.length === duplicateOf.folded.length &&
        sharedPrefix(candidate.folded, duplicateOf.folded) === candidate.folded.length &&
        sameCharacter(candidate.episode, duplicateOf.episode);
      counts.episodes[identical ? 'exact-duplicate' : 'near-duplicate'] += 1;
    }
    for (const entry of keptHere) keep(entry, splitKey);
  }
  return kept.sort((a, b) => a.index - b.index).map(({ episode, splitKey }) => ({ episode, splitKey }));
}

/** Turns `shorter` shares with `longer` from the start when that is a duplicate's share, else -1. */
function sharedPrefix(shorter: readonly string[], longer: readonly string[]): number {
  let same = 0;
  while (same < shorter.length && shorter[same] === longer[same]) same += 1;
  const needed = Math.min(Math.ceil(shorter.length * NEAR_DUPLICATE_SHARE), shorter.length - 1);
  return same >= needed ? same : -1;
}

function sameCharacter(a: Episode, b: Episode): boolean {
  return a.character.persona === b.character.persona && a.character.scenario === b.character.scenario;
}

function groupKey(episode: Episode): string {
  const lead = episode.turns.slice(0, LEAD_TURNS).map(foldTurn);
  const payload = JSON.stringify([foldText(episode.character.name), ...lead]);
  return createHash('sha256').update(payload).digest('hex').slice(0, 32);
}

function foldTurn(turn: Episode['turns'][number]): string {
  return `${turn.role}:${foldText(turn.text)}`;
}

const NON_ASCII = /[\u0080-\u{10FFFF}]/u;

function foldText(text: string): string {
  // NFKC leaves ASCII as it is; most chat text is ASCII and skips the normalization.
  const normalized = NON_ASCII.test(text) ? text.normalize('NFKC') : text;
  return normalized.toLowerCase().replace(/\s+/gu, ' ').trim();
}
