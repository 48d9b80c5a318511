import type { NeoTurnPage } from './capture-yield.ts';
import { type Captured, compareCaptureTime } from './captured.ts';

/** Rank of chat-list preview turns: the newest turns, newer than any page. */
export const PREVIEW_RANK = -1;

/**
 * How old each page of one chat is, from the token chain alone: 0 for a page fetched without a
 * `next_token` (the newest), n+1 for a page requested with the `next_token` a rank-n page
 * returned. Pages whose chain start was never captured rank after every chained page, each
 * broken chain in capture order. Re-captured pages share a rank.
 */
export function rankNeoPages(pages: readonly Captured<NeoTurnPage>[]): Map<Captured<NeoTurnPage>, number> {
  const ranks = new Map<Captured<NeoTurnPage>, number>();
  const chained = pages.filter((page) => !page.value.preview);
  for (const page of pages) if (page.value.preview) ranks.set(page, PREVIEW_RANK);

  const byRequestToken = new Map<string, Captured<NeoTurnPage>[]>();
  for (const page of chained) {
    const token = page.value.requestToken;
    if (token === undefined) continue;
    byRequestToken.set(token, [...(byRequestToken.get(token) ?? []), page]);
  }
  const returnedTokens = new Set(
    chained.map((page) => page.value.nextToken).filter((token): token is string => typeof token === 'string'),
  );

  let deepest = -1;
  const walkFrom = (heads: readonly Captured<NeoTurnPage>[], rank: number): void => {
    let level = heads.filter((page) => !ranks.has(page));
    let current = rank;
    while (level.length > 0) {
      const next: Captured<NeoTurnPage>[] = [];
      for (const page of level) {
        ranks.set(page, current);
        const token = page.value.nextToken;
        if (typeof token !== 'string') continue;
        for (const child of byRequestToken.get(token) ?? []) if (!ranks.has(child)) next.push(child);
      }
      deepest = Math.max(deepest, current);
      level = [...new Set(next)];
      current += 1;
    }
  };

  walkFrom(
    chained.filter((page) => page.value.requestToken === undefined),
    0,
  );
  // Broken chains: start at pages whose request token no captured page returned.
  const orphanHeads = chained
    .filter((page) => !ranks.has(page))
    .filter((page) => page.value.requestToken === undefined || !returnedTokens.has(page.value.requestToken))
    .sort(compareCaptureTime);
  for (const head of orphanHeads) walkFrom([head], deepest + 1);
  // Whatever is left sits on a token loop; it goes last rather than nowhere.
  for (const page of [...chained].sort(compareCaptureTime))
    if (!ranks.has(page)) walkFrom([page], deepest + 1);
  return ranks;
}
