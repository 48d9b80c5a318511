import { SOURCE_KINDS, type SourceKind } from './episode.ts';
import { emptyFilterCounts, type FilterCounts } from './filters/filter-counts.ts';
import type { SkippedInput } from './sources/source-chat.ts';
import type { SplitName } from './split-episode.ts';

/** Width of a bucket of the example-length histogram, in tokens. */
export const HISTOGRAM_BUCKET = 128;

export interface SourceStats {
  files: number;
  episodes: number;
  messages: number;
  episodesUsed: number;
  examples: Record<SplitName, number>;
}

/** stats.json: what went in, what each filter dropped, what came out. */
export interface DatasetStats {
  sources: Record<SourceKind, SourceStats>;
  cards: { read: number; used: number };
  identitiesRedacted: number;
  filters: FilterCounts;
  episodes: Record<SplitName, number>;
  examples: Record<SplitName, number>;
  tokens: Record<SplitName, number>;
  trainedTokens: Record<SplitName, number>;
  lengthHistogram: { bucketTokens: number; counts: number[] };
  tokenization: { mode: 'piecewise' | 'whole-text'; examplesVerified: number };
  skipped: SkippedInput[];
}

export function emptyStats(maxLength: number): DatasetStats {
  const source = (): SourceStats => ({
    files: 0,
    episodes: 0,
    messages: 0,
    episodesUsed: 0,
    examples: { train: 0, eval: 0 },
  });
  return {
    sources: Object.fromEntries(SOURCE_KINDS.map((kind) => [kind, source()])) as Record<
      SourceKind,
      SourceStats
    >,
    cards: { read: 0, used: 0 },
    identitiesRedacted: 0,
    filters: emptyFilterCounts(),
    episodes: { train: 0, eval: 0 },
    examples: { train: 0, eval: 0 },
    tokens: { train: 0, eval: 0 },
    trainedTokens: { train: 0, eval: 0 },
    lengthHistogram: {
      bucketTokens: HISTOGRAM_BUCKET,
      counts: new Array(Math.ceil(maxLength / HISTOGRAM_BUCKET)).fill(0),
    },
    tokenization: { mode: 'piecewise', examplesVerified: 0 },
    skipped: [],
  };
}

export function countLength(stats: DatasetStats, length: number): void {
  const counts = stats.lengthHistogram.counts;
  const bucket = Math.min(Math.floor(Math.max(length - 1, 0) / HISTOGRAM_BUCKET), counts.length - 1);
  counts[bucket] = (counts[bucket] ?? 0) + 1;
}
