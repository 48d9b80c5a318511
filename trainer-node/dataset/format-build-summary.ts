import { SOURCE_KINDS } from './episode.ts';
import type { DatasetBuildResult } from './run-dataset-build.ts';
import { describeSkipped } from './sources/source-chat.ts';

/** What `pygbox dataset build` prints: inputs per source, filters, outputs, and every skip. */
export function formatBuildSummary({ out, stats }: DatasetBuildResult): string {
  const lines: string[] = [];
  for (const kind of SOURCE_KINDS) {
    const source = stats.sources[kind];
    if (source.files === 0 && source.episodes === 0) continue;
    lines.push(
      `${kind}: ${source.files} file(s), ${source.episodes} chat(s), ${source.messages} message(s) → ${source.episodesUsed} used, ${source.examples.train} train / ${source.examples.eval} eval example(s)`,
    );
  }
  if (stats.cards.read > 0) lines.push(`character cards: ${stats.cards.read} read, ${stats.cards.used} used`);
  lines.push(`identities redacted: ${stats.identitiesRedacted}`);
  const dropped = (group: Record<string, number>) =>
    Object.entries(group)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ') || 'none';
  lines.push(`dropped chats: ${dropped(stats.filters.episodes)}`);
  lines.push(`dropped messages: ${dropped(stats.filters.messages)}`);
  lines.push(`dropped examples: ${dropped(stats.filters.examples)}`);
  lines.push(
    `train: ${stats.episodes.train} chat(s), ${stats.examples.train} example(s), ${stats.tokens.train} tokens (${stats.trainedTokens.train} trained)`,
    `eval: ${stats.episodes.eval} chat(s), ${stats.examples.eval} example(s), ${stats.tokens.eval} tokens (${stats.trainedTokens.eval} trained)`,
  );
  if (stats.tokenization.mode === 'whole-text') {
    lines.push(
      'note: this tokenizer merges across line joins; every prompt was tokenized whole (slower, same ids)',
    );
  }
  if (stats.skipped.length > 0) {
    lines.push(`skipped ${stats.skipped.length} input(s) or line(s); they are NOT in the dataset:`);
    for (const skip of stats.skipped) lines.push(`  ${describeSkipped(skip)}`);
  }
  lines.push(`wrote ${out} (index.json, shards, stats.json, preview.txt, tokenizer/)`);
  return lines.join('\n');
}
