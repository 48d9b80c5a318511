import type { Chat, Identity, Message } from '../chat/chat.ts';
import { identityOf, uniqueIdentities } from '../chat/identities.ts';
import { UNKNOWN_CHARACTER_NAME } from '../chat/merge-characters.ts';
import type { NeoTurnPage } from './capture-yield.ts';
import { type Captured, compareCaptureTime } from './captured.ts';
import { rankNeoPages } from './neo-page-chain.ts';
import type { NeoCandidate, NeoTurn } from './neo-turn-schema.ts';
import { siteTimeMs } from './site-time.ts';

/** One appearance of a turn: in which captured page, how old that page is, where in it. */
interface TurnSighting {
  turn: NeoTurn;
  page: Captured<NeoTurnPage>;
  rank: number;
  /** Index in the page; pages list the newest turn first. */
  position: number;
}

interface MergedTurn {
  message: Message;
  identities: Identity[];
  /** The newest sighting: its page position is the turn's place in the chain. */
  latest: TurnSighting;
}

/**
 * One neo chat from every page and preview of it, in any order. A turn seen several times takes
 * text, primary candidate and author from its latest capture; its candidates are the union of all
 * sightings by candidate id. Messages run oldest first by `create_time`; page chain order decides
 * ties and turns without a time (which get a `sequence`).
 */
export function assembleNeoChat(chatId: string, pages: readonly Captured<NeoTurnPage>[]): Chat {
  const ranks = rankNeoPages(pages);
  const sightings = new Map<string, TurnSighting[]>();
  for (const page of pages) {
    const rank = ranks.get(page) ?? 0;
    page.value.turns.forEach((turn, position) => {
      const id = turn.turn_key.turn_id;
      sightings.set(id, [...(sightings.get(id) ?? []), { turn, page, rank, position }]);
    });
  }

  const merged = orderTurns([...sightings.values()].flatMap(mergeSightings));
  const messages = merged.map((turn) => turn.message);
  const botName = [...messages]
    .reverse()
    .find((message) => message.role === 'char' && message.authorName)?.authorName;
  return {
    chatId,
    source: 'neo',
    character: { name: botName ?? UNKNOWN_CHARACTER_NAME },
    messages,
    identities: uniqueIdentities(merged.flatMap((turn) => turn.identities)),
  };
}

function mergeSightings(unsorted: readonly TurnSighting[]): MergedTurn[] {
  const sightings = [...unsorted].sort((a, b) => compareCaptureTime(a.page, b.page));
  const latest = sightings[sightings.length - 1];
  if (latest === undefined) return [];
  const turn = latest.turn;
  const candidates = unionCandidates(sightings);
  // The primary candidate; without one, the site's last candidate (of the latest sighting).
  const fallbackId = lastOf(turn.candidates)?.candidate_id;
  const chosen =
    candidates.find((candidate) => candidate.candidate_id === turn.primary_candidate_id) ??
    candidates.find((candidate) => candidate.candidate_id === fallbackId) ??
    lastOf(candidates);

  const isHuman = turn.author.is_human === true;
  const message: Message = {
    id: turn.turn_key.turn_id,
    role: isHuman ? 'user' : 'char',
    text: chosen?.raw_content ?? '',
    // Candidates without text are stopped generations: nothing to offer as a swipe.
    swipes: candidates
      .filter((candidate) => candidate !== chosen && candidate.raw_content !== undefined)
      .map((candidate) => candidate.raw_content ?? ''),
  };
  if (turn.author.name !== undefined) message.authorName = turn.author.name;
  if (turn.author.author_id !== null && turn.author.author_id !== undefined)
    message.authorId = turn.author.author_id;
  const createdAt = turn.create_time ?? chosen?.create_time;
  if (createdAt !== undefined) message.createdAt = createdAt;
  if (chosen?.raw_content === undefined) message.textMissing = true;
  if (chosen?.editor !== undefined) message.edited = true;
  message.swipes = [...new Set(message.swipes)].filter((swipe) => swipe !== message.text && swipe !== '');

  const identities = [
    ...(isHuman ? identityOf('author-name', turn.author.name) : []),
    ...(isHuman ? identityOf('user-id', turn.author.author_id) : []),
    ...candidates.flatMap((candidate) => [
      ...identityOf('author-name', candidate.editor?.name),
      ...identityOf('user-id', candidate.editor?.author_id),
    ]),
  ];
  return [{ message, identities, latest }];
}

/**
 * Candidates of every sighting by id: the latest sighting's order first, then candidates only
 * older captures still had. Each id keeps its newest version that has text.
 */
function unionCandidates(sightings: readonly TurnSighting[]): NeoCandidate[] {
  const versions = new Map<string, NeoCandidate>();
  for (const sighting of sightings) {
    for (const candidate of sighting.turn.candidates) {
      const known = versions.get(candidate.candidate_id);
      if (known === undefined || candidate.raw_content !== undefined || known.raw_content === undefined) {
        versions.set(candidate.candidate_id, candidate);
      }
    }
  }
  const order: string[] = [];
  for (const sighting of [...sightings].reverse()) {
    for (const candidate of sighting.turn.candidates) {
      if (!order.includes(candidate.candidate_id)) order.push(candidate.candidate_id);
    }
  }
  return order.flatMap((id) => {
    const candidate = versions.get(id);
    return candidate === undefined ? [] : [candidate];
  });
}

/**
 * Oldest first. The chain gives a total order (older pages first, then bottom of page first);
 * times then reorder it. A turn without a time keeps the time of the turn before it in the chain,
 * so it stays next to its chain neighbours, and gets its chain index as `sequence`.
 */
function orderTurns(turns: readonly MergedTurn[]): MergedTurn[] {
  const chain = [...turns].sort(
    (a, b) =>
      b.latest.rank - a.latest.rank ||
      b.latest.position - a.latest.position ||
      compareCaptureTime(a.latest.page, b.latest.page) ||
      (a.message.id < b.message.id ? -1 : a.message.id > b.message.id ? 1 : 0),
  );
  let carried = Number.NEGATIVE_INFINITY;
  const keyed = chain.map((turn, index) => {
    const time = siteTimeMs(turn.message.createdAt);
    if (time === undefined) turn.message.sequence = index;
    else carried = time;
    return { turn, time: carried, index };
  });
  keyed.sort((a, b) => a.time - b.time || a.index - b.index);
  return keyed.map((entry) => entry.turn);
}

function lastOf<T>(items: readonly T[]): T | undefined {
  return items[items.length - 1];
}
