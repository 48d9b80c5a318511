import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import type { Identity } from '../../shared/chat/chat.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { PROMPT_FORMAT_VERSION } from '../../shared/prompt/prompt-format.ts';
import { PYGBOX_VERSION } from '../../shared/version.ts';
import { type EpisodeTokens, ExampleBuilder } from './build-examples.ts';
import { DATASET_FORMAT, DATASET_FORMAT_VERSION, type DatasetIndex, INDEX_FILE } from './dataset-index.ts';
import { countLength, type DatasetStats, emptyStats } from './dataset-stats.ts';
import type { Episode } from './episode.ts';
import { cleanTurns } from './filters/clean-turns.ts';
import { dedupeEpisodes } from './filters/dedupe-episodes.ts';
import { readExclusions } from './read-exclusions.ts';
import { ShardWriter } from './shard-writer.ts';
import { showExample } from './show-example.ts';
import { anonymizeSources, applyCards } from './sources/anonymize-sources.ts';
import { episodeFromAnonChat } from './sources/episode-from-anon-chat.ts';
import { type DatasetInput, listDatasetInputs } from './sources/list-dataset-inputs.ts';
import { readCaptureInputs } from './sources/read-capture-inputs.ts';
import { type CharacterCard, readCardJson, readCardPng } from './sources/read-character-card.ts';
import { readPippaFile } from './sources/read-pippa-file.ts';
import { readPygboxZip } from './sources/read-pygbox-zip.ts';
import { readSillyTavernFile } from './sources/read-sillytavern-file.ts';
import { describeSkipped, type SkippedInput, type SourceChat } from './sources/source-chat.ts';
import { type SplitName, splitOf } from './split-episode.ts';
import { buildFolderName, removeStaleBuildFolders } from './stale-build-folders.ts';
import { type DatasetTokenizer, loadDatasetTokenizer } from './tokenizer/dataset-tokenizer.ts';

export interface DatasetBuildOptions {
  inputs: readonly string[];
  out: string;
  tokenizer: string;
  maxLength: number;
  evalFraction: number;
  minReplyWords: number;
  packLength: number;
  /** Tokens per shard file before a new one starts. */
  shardTokens: number;
  excludeFile?: string;
  identities: readonly string[];
  redactions: readonly string[];
  strict: boolean;
  overwrite: boolean;
  /** Examples rendered into preview.txt. */
  previewExamples: number;
}

export const DEFAULT_BUILD_OPTIONS = {
  maxLength: 2048,
  evalFraction: 0.02,
  minReplyWords: 3,
  shardTokens: 64 * 2 ** 20,
  previewExamples: 4,
} as const;

export interface DatasetBuildResult {
  out: string;
  stats: DatasetStats;
}

const TOKENIZER_FOLDER = 'tokenizer';

/**
 * `pygbox dataset build`: read every input, anonymize what is not yet anonymized, clean, dedupe,
 * split, build masked examples and write them as shards with an index, stats and a preview. The
 * folder is built under a temporary sibling name and renamed into place at the end, so it appears
 * complete or not at all; a failure removes the temporary folder, and the next build removes one
 * a killed build left (stale-build-folders.ts).
 */
export async function runDatasetBuild(options: DatasetBuildOptions): Promise<DatasetBuildResult> {
  if (endianness() !== 'LE') {
    throw new PygboxError('output-failed', 'shards are little-endian; this machine is big-endian', {
      hint: 'build the dataset on an x86-64 or arm64 machine',
    });
  }
  if (options.packLength < options.maxLength) {
    // A pack holds whole examples: one of --max-length tokens would overflow a shorter pack.
    throw new PygboxError('usage', '--pack-length is below --max-length', {
      hint: `use a --pack-length of at least ${options.maxLength}, or leave it out (it defaults to --max-length)`,
    });
  }
  if (!options.overwrite && (await exists(options.out))) {
    throw new PygboxError('usage', 'the output folder already exists', {
      place: { file: options.out },
      hint: 'choose another -o, or pass --overwrite to replace it (the old one stays until the new one is complete)',
    });
  }
  const tokenizer = await loadDatasetTokenizer(options.tokenizer);
  const excluded =
    options.excludeFile === undefined ? new Set<string>() : await readExclusions(options.excludeFile);
  const stats = emptyStats(options.maxLength);
  const inputs = await listDatasetInputs(options.inputs);
  const inputFiles = inputs.map((input) => input.file);
  const episodes = await readEpisodes(inputs, options, stats);
  if (options.strict && stats.skipped.length > 0) {
    throw new PygboxError(
      'input-unreadable',
      `${stats.skipped.length} input(s) could not be used (--strict):\n  ${stats.skipped.map(describeSkipped).join('\n  ')}`,
      {
        hint: 'fix or remove those inputs, or leave out --strict to build from the rest',
      },
    );
  }

  await removeStaleBuildFolders(options.out);
  const temporary = buildFolderName(options.out, randomBytes(4).toString('hex'));
  try {
    await mkdir(temporary, { recursive: true });
    const preview = await writeDataset(temporary, episodes, excluded, tokenizer, options, stats);
    await writeFile(
      join(temporary, 'stats.json'),
      `${JSON.stringify(statsForFile(stats, inputFiles), null, 2)}\n`,
    );
    await writeFile(join(temporary, 'preview.txt'), preview);
    await mkdir(join(temporary, TOKENIZER_FOLDER));
    await writeFile(join(temporary, TOKENIZER_FOLDER, 'tokenizer.json'), tokenizer.files.tokenizerJson);
    await writeFile(
      join(temporary, TOKENIZER_FOLDER, 'tokenizer_config.json'),
      tokenizer.files.tokenizerConfig,
    );
    await moveIntoPlace(temporary, options.out);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (error instanceof PygboxError) throw error;
    throw new PygboxError('output-failed', 'could not write the dataset; nothing was left behind', {
      place: { file: options.out },
      hint: 'check that the folder is writable and the disk has room',
      cause: error,
    });
  }
  return { out: options.out, stats };
}

/** Reads every input into anonymized episodes; what cannot be read lands in `stats.skipped`. */
async function readEpisodes(
  inputs: readonly DatasetInput[],
  options: DatasetBuildOptions,
  stats: DatasetStats,
): Promise<Episode[]> {
  const episodes: Episode[] = [];
  const sourceChats: SourceChat[] = [];
  const cards: CharacterCard[] = [];
  const captureFiles: string[] = [];
  const skipped = stats.skipped;
  const takeCard = (card: CharacterCard | SkippedInput) => {
    if ('name' in card) cards.push(card);
    else skipped.push(card);
  };
  for (const input of inputs) {
    switch (input.kind) {
      case 'pygbox-zip': {
        stats.sources['pygbox-zip'].files += 1;
        const chats = await readPygboxZip(input.file);
        if ('message' in chats) skipped.push(chats);
        else for (const chat of chats) episodes.push(episodeFromAnonChat(chat, 'pygbox-zip'));
        break;
      }
      case 'card-png':
        takeCard(await readCardPng(input.file));
        break;
      case 'card-json':
        takeCard(await readCardJson(input.file));
        break;
      case 'pippa':
        stats.sources.pippa.files += 1;
        await readPippaFile(input.file, (chat) => sourceChats.push(chat), skipped);
        break;
      case 'sillytavern':
        stats.sources.sillytavern.files += 1;
        await readSillyTavernFile(input.file, (chat) => sourceChats.push(chat), skipped);
        break;
      case 'captures':
        captureFiles.push(input.file);
        break;
    }
  }
  const accountIdentities: Identity[] = [];
  if (captureFiles.length > 0) {
    const captured = await readCaptureInputs(captureFiles);
    // Loops, not push(...list): a spread of hundreds of thousands of items overflows the stack.
    for (const chat of captured.chats) sourceChats.push(chat);
    for (const identity of captured.identities) accountIdentities.push(identity);
    for (const skip of captured.skipped) skipped.push(skip);
    stats.sources.dumper.files += captured.dumperFiles;
    stats.sources.capture.files += captureFiles.length - captured.dumperFiles;
  }
  stats.cards.read = cards.length;
  const anonymized = anonymizeSources(sourceChats, cards, {
    accountIdentities,
    userIdentities: options.identities,
    redactions: options.redactions,
  });
  stats.identitiesRedacted = anonymized.identitiesRedacted;
  for (const episode of anonymized.episodes) episodes.push(episode);
  const withCards = applyCards(episodes, anonymized.cards);
  stats.cards.used = withCards.cardsUsed.size;
  for (const episode of withCards.episodes) {
    stats.sources[episode.source].episodes += 1;
    stats.sources[episode.source].messages += episode.turns.length;
  }
  return withCards.episodes;
}

async function writeDataset(
  folder: string,
  episodes: readonly Episode[],
  excluded: ReadonlySet<string>,
  tokenizer: DatasetTokenizer,
  options: DatasetBuildOptions,
  stats: DatasetStats,
): Promise<string> {
  const counts = stats.filters;
  // Exclusions are applied by the dedupe, which also takes out the other dumps of an excluded chat.
  const cleaned = episodes.map((episode) => cleanTurns(episode, tokenizer.specialTexts, counts));
  const builder = new ExampleBuilder(tokenizer, {
    maxLength: options.maxLength,
    minReplyWords: options.minReplyWords,
  });
  const writers: Record<SplitName, ShardWriter> = {
    train: new ShardWriter(folder, 'train', options),
    eval: new ShardWriter(folder, 'eval', options),
  };
  const previews: Record<SplitName, string[]> = { train: [], eval: [] };
  const previewLimit: Record<SplitName, number> = {
    train: Math.max(options.previewExamples - 1, 0),
    eval: 1,
  };
  const deduped = dedupeEpisodes(cleaned, counts, excluded);
  // Tokenize everything first (see ExampleBuilder.tokenize); the ids are a quarter of the text's size.
  const tokens: (EpisodeTokens | undefined)[] = deduped.map(({ episode }) => builder.tokenize(episode));
  for (const [position, { episode, splitKey }] of deduped.entries()) {
    const split = splitOf(splitKey, options.evalFraction);
    const episodeTokens = tokens[position];
    let examples = 0;
    builder.build(
      episode,
      counts,
      (example) => {
        writers[split].add(example);
        countLength(stats, example.length);
        examples += 1;
        if (previews[split].length < previewLimit[split]) {
          previews[split].push(
            `=== ${split} example ${writers[split].examples - 1} (chat key ${episode.key}, ${episode.source}) ===\n${showExample(tokenizer.decode, example.ids, example.promptLength)}\n`,
          );
        }
      },
      episodeTokens,
    );
    // Released as soon as used, so memory holds the ids of the episodes still to come only.
    tokens[position] = undefined;
    if (examples === 0) {
      counts.episodes['no-examples'] += 1;
      continue;
    }
    stats.episodes[split] += 1;
    stats.sources[episode.source].episodesUsed += 1;
    stats.sources[episode.source].examples[split] += examples;
  }
  const splits = {} as DatasetIndex['splits'];
  for (const split of ['train', 'eval'] as const) {
    const writer = writers[split];
    const shards = writer.finish();
    stats.examples[split] = writer.examples;
    stats.tokens[split] = writer.tokens;
    stats.trainedTokens[split] = writer.trainedTokens;
    splits[split] = {
      episodes: stats.episodes[split],
      examples: writer.examples,
      tokens: writer.tokens,
      trainedTokens: writer.trainedTokens,
      shards,
    };
  }
  stats.tokenization = {
    mode: builder.wholeText ? 'whole-text' : 'piecewise',
    examplesVerified: builder.verified,
  };
  if (writers.train.examples + writers.eval.examples === 0) {
    throw new PygboxError('dataset-invalid', 'no training examples could be built from these inputs', {
      hint: 'examples come from bot replies that follow some history; check the skipped inputs and the filters (--min-reply-words, --max-length, --exclude)',
    });
  }
  const index: DatasetIndex = {
    format: DATASET_FORMAT,
    formatVersion: DATASET_FORMAT_VERSION,
    promptFormatVersion: PROMPT_FORMAT_VERSION,
    tool: `pygbox ${PYGBOX_VERSION}`,
    dtypes: { ids: '<u4', mask: '|u1' },
    tokenizer: {
      folder: TOKENIZER_FOLDER,
      sha256: tokenizer.sha256,
      vocabSize: tokenizer.vocabSize,
      eosTokenId: tokenizer.eosId,
      prefixTokenIds: [...tokenizer.prefixIds],
    },
    maxLength: options.maxLength,
    packLength: options.packLength,
    evalFraction: options.evalFraction,
    splits,
  };
  await writeFile(join(folder, INDEX_FILE), `${JSON.stringify(index)}\n`);
  const shown = [...previews.train, ...previews.eval];
  return shown.length === 0 ? 'No examples were built.\n' : shown.join('\n');
}

/**
 * stats.json travels with the dataset (to a GPU machine, to other people): input paths can name the
 * user (`/home/zoe/…`), so skipped inputs are named there by their place in the input list and their
 * extension. The summary printed on the user's own terminal names the full path.
 */
function statsForFile(stats: DatasetStats, inputFiles: readonly string[]): DatasetStats {
  return {
    ...stats,
    skipped: stats.skipped.map((skip) => {
      const position = inputFiles.indexOf(skip.file);
      const file =
        position === -1 ? 'input' : `input ${position + 1} of ${inputFiles.length} (${extname(skip.file)})`;
      return { ...skip, file };
    }),
  };
}

async function moveIntoPlace(temporary: string, out: string): Promise<void> {
  if (!(await exists(out))) {
    await mkdir(dirname(out), { recursive: true });
    await rename(temporary, out);
    return;
  }
  // --overwrite: the old folder is moved aside, the new one renamed in, then the old one removed.
  const aside = join(dirname(out), `.${basename(out)}.old-${randomBytes(4).toString('hex')}`);
  await rename(out, aside);
  try {
    await rename(temporary, out);
  } catch (error) {
    await rename(aside, out);
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
