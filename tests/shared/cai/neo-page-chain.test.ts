import { describe, expect, it } from 'vitest';
import type { NeoTurnPage } from '../../../shared/cai/capture-yield.ts';
import type { Captured } from '../../../shared/cai/captured.ts';
import { PREVIEW_RANK, rankNeoPages } from '../../../shared/cai/neo-page-chain.ts';

function page(
  name: string,
  requestToken: string | undefined,
  nextToken: string | null | undefined,
  minute: number,
  preview = false,
): Captured<NeoTurnPage> {
  return {
    value: { chatId: name, turns: [], requestToken, nextToken, preview },
    capturedAt: new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString(),
    recordIndex: minute,
  };
}

function ranksByName(pages: readonly Captured<NeoTurnPage>[]): Record<string, number | undefined> {
  const ranks = rankNeoPages(pages);
  return Object.fromEntries(pages.map((captured) => [captured.value.chatId, ranks.get(captured)]));
}

describe('rankNeoPages', () => {
  it('ranks a chain from the page fetched without a token', () => {
    const pages = [
      page('oldest', 'b', null, 1),
      page('newest', undefined, 'a', 2),
      page('middle', 'a', 'b', 3),
    ];
    expect(ranksByName(pages)).toEqual({ newest: 0, middle: 1, oldest: 2 });
  });

  it('gives re-captured pages the same rank and previews the preview rank', () => {
    const pages = [
      page('newest', undefined, 'a', 1),
      page('newest-again', undefined, 'a', 5),
      page('middle', 'a', null, 2),
      page('preview', undefined, undefined, 3, true),
    ];
    expect(ranksByName(pages)).toEqual({ newest: 0, 'newest-again': 0, middle: 1, preview: PREVIEW_RANK });
  });

  it('ranks a chain whose start was never captured after the complete one', () => {
    const pages = [
      page('orphan-older', 'y', null, 4),
      page('orphan-head', 'x', 'y', 3),
      page('newest', undefined, null, 1),
    ];
    expect(ranksByName(pages)).toEqual({ newest: 0, 'orphan-head': 1, 'orphan-older': 2 });
  });

  it('terminates on a token loop and still ranks every page', () => {
    const pages = [page('one', 'a', 'b', 1), page('two', 'b', 'a', 2)];
    const ranks = ranksByName(pages);
    expect(Object.values(ranks).every((rank) => typeof rank === 'number')).toBe(true);
  });
});
