import { fitHistory } from '../../shared/prompt/fit-history.ts';
import { promptHeader, speakerCue, turnBody } from '../../shared/prompt/prompt-pieces.ts';
import type { Episode } from './episode.ts';
import type { FilterCounts } from './filters/filter-counts.ts';
import { isBrokenText, LoopTracker, replyWords } from './filters/reply-filters.ts';
import type { DatasetTokenizer } from './tokenizer/dataset-tokenizer.ts';
import { TrainingExample } from './training-example.ts';

/**
 * Examples checked against whole-text tokenization: the first ones, then one in this many (a check
 * tokenizes a whole example, a dozen messages' worth, so checking more would cost a real share of
 * the build; a tokenizer that breaks piecewise tokenization shows it in the first examples).
 */
const VERIFY_FIRST = 64;
const VERIFY_EVERY = 1009;
const NO_IDS = new Uint32Array(0);

/** An episode's ids: the persona block's, and each turn's text as it follows its speaker cue. */
export interface EpisodeTokens {
  headerIds: Uint32Array;
  bodies: Uint32Array[];
}

export interface ExampleOptions {
  /** Context length: prefix, prompt, reply and EOS of one example fit in it. */
  maxLength: number;
  minReplyWords: number;
}

/**
 * Turns one episode into examples, one per bot turn that has history before it, with as much of
 * the latest history as fits `maxLength` (fit-history.ts: oldest turns first, the persona never).
 *
 * The ids are what the model meets at chat time: the rendered prompt tokenized as the chat page
 * sends it (special tokens added), then the reply as the model should write it (tokenized alone),
 * then EOS. To get there fast, each message is tokenized once, as the text that follows its speaker
 * cue (` text`); a history line is the cue's ids then the text's, and the reply target is the same
 * text ids. That equals tokenizing the prompt whole when the tokenizer's pre-tokenizer splits at
 * every newline and before the space that starts a text, as GPT-2's byte-level BPE does; the
 * builder checks it on a sample of examples and, if a tokenizer breaks it, tokenizes every prompt
 * whole for the rest of the run (slower, same result).
 */
export class ExampleBuilder {
  private readonly cueIds = new Map<string, Uint32Array>();
  /** Set once a sample showed that ids assembled from pieces differ from the prompt tokenized whole. */
  wholeText = false;
  /** Examples checked against the prompt tokenized whole. */
  verified = 0;
  private built = 0;

  constructor(
    private readonly tokenizer: DatasetTokenizer,
    private readonly options: ExampleOptions,
  ) {}

  /**
   * Each message's ids (and the persona block's), the only tokenizer work an episode needs. The
   * build runs this for every episode before assembling any example: the tokenizer's tables stay
   * hot in the CPU cache instead of competing with the example copies (measured: its share of the
   * build fell by a quarter).
   */
  tokenize(episode: Episode): EpisodeTokens {
    const name = episode.character.name;
    return {
      headerIds: Uint32Array.from(this.tokenizer.encode(promptHeader(episode.character))),
      bodies: episode.turns.map((turn) => Uint32Array.from(this.tokenizer.encode(turnBody(turn.text, name)))),
    };
  }

  build(
    episode: Episode,
    counts: FilterCounts,
    emit: (example: TrainingExample) => void,
    tokens: EpisodeTokens = this.tokenize(episode),
  ): void {
    const name = episode.character.name;
    const { headerIds, bodies } = tokens;
    const charCue = this.cue(speakerCue('char', name));
    const userCue = this.cue(speakerCue('user', name));
    const lineCosts = episode.turns.map(
      (turn, index) => (turn.role === 'user' ? userCue : charCue).length + (bodies[index]?.length ?? 0),
    );
    const prefix = Uint32Array.from(this.tokenizer.prefixIds);
    const eos = Uint32Array.of(this.tokenizer.eosId);
    const loops = new LoopTracker();
    for (const [index, turn] of episode.turns.entries()) {
      if (turn.role !== 'char') continue;
      const verdict = this.judge(index, turn.text, loops);
      if (verdict !== undefined) {
        counts.examples[verdict] += 1;
        continue;
      }
      const body = bodies[index] ?? NO_IDS;
      const fixed = prefix.length + headerIds.length + charCue.length + body.length + 1;
      const first = fitHistory(fixed, lineCosts, this.options.maxLength, index);
      if (first === undefined) {
        counts.examples['too-long'] += 1;
        continue;
      }
      let example = this.wholeText
        ? this.wholeTextExample(episode, index, first)
        : this.piecewiseExample(episode, { prefix, headerIds, charCue, userCue, bodies, eos }, index, first);
      if (!this.wholeText && example !== undefined && this.shouldVerify()) {
        if (!this.matchesWholeText(episode, index, first, example)) {
          this.wholeText = true;
          example = this.wholeTextExample(episode, index, first);
        }
      }
      if (example === undefined) counts.examples['too-long'] += 1;
      else emit(example);
    }
  }

  /** Why a reply is not a training target, if it is not. Every bot reply joins the loop tracker. */
  private judge(index: number, reply: string, loops: LoopTracker) {
    const words = replyWords(reply);
    const looping = loops.check(reply, words);
    if (index === 0) return 'no-history' as const;
    if (isBrokenText(reply)) return 'broken-text' as const;
    if (words.length < this.options.minReplyWords) return 'short-reply' as const;
    if (looping) return 'looping-reply' as const;
    return undefined;
  }

  private piecewiseExample(
    episode: Episode,
    parts: {
      prefix: Uint32Array;
      headerIds: Uint32Array;
      charCue: Uint32Array;
      userCue: Uint32Array;
      bodies: Uint32Array[];
      eos: Uint32Array;
    },
    index: number,
    first: number,
  ): TrainingExample {
    const pieces: Uint32Array[] = [parts.prefix, parts.headerIds];
    for (let turn = first; turn < index; turn += 1) {
      pieces.push(
        episode.turns[turn]?.role === 'user' ? parts.userCue : parts.charCue,
        parts.bodies[turn] ?? NO_IDS,
      );
    }
    pieces.push(parts.charCue);
    let promptLength = 0;
    for (const piece of pieces) promptLength += piece.length;
    pieces.push(parts.bodies[index] ?? NO_IDS, parts.eos);
    return new TrainingExample(pieces, promptLength);
  }

  /**
   * The rendered prompt tokenized whole, then the reply alone, then EOS. Piece counts can be off at
   * the joins for such a tokenizer, so while the prompt is too long the oldest kept line goes, down
   * to the newest line (the one the reply answers, which fit-history.ts never drops).
   */
  private wholeTextExample(episode: Episode, index: number, first: number): TrainingExample | undefined {
    const newest = Math.max(index - 1, 0);
    for (let start = first; start <= newest; start += 1) {
      const example = this.referenceExample(episode, index, start);
      if (example.length <= this.options.maxLength) return example;
    }
    return undefined;
  }

  /** The ids an example must have: the prompt as the chat page tokenizes it, the reply, EOS. */
  referenceExample(episode: Episode, index: number, first: number): TrainingExample {
    const { prompt, reply } = this.texts(episode, index, first);
    const promptIds = this.tokenizer.encodeWithSpecials(prompt);
    const pieces = [promptIds, this.tokenizer.encode(reply), [this.tokenizer.eosId]];
    return new TrainingExample(
      pieces.map((piece) => Uint32Array.from(piece)),
      promptIds.length,
    );
  }

  /** The rendered prompt (history from `first`) and the reply text, as the chat page renders them. */
  texts(episode: Episode, index: number, first: number): { prompt: string; reply: string } {
    const name = episode.character.name;
    let prompt = promptHeader(episode.character);
    for (let turn = first; turn < index; turn += 1) {
      const entry = episode.turns[turn];
      if (entry !== undefined) prompt += speakerCue(entry.role, name) + turnBody(entry.text, name);
    }
    prompt += speakerCue('char', name);
    return { prompt, reply: turnBody(episode.turns[index]?.text ?? '', name) };
  }

  /** Whether an example built from pieces has exactly the reference ids, trained span included. */
  private matchesWholeText(
    episode: Episode,
    index: number,
    first: number,
    example: TrainingExample,
  ): boolean {
    this.verified += 1;
    const reference = this.referenceExample(episode, index, first);
    const ids = example.ids;
    return (
      reference.promptLength === example.promptLength &&
      reference.length === ids.length &&
      reference.ids.every((id, position) => ids[position] === id)
    );
  }

  private shouldVerify(): boolean {
    this.built += 1;
    return this.built <= VERIFY_FIRST || this.built % VERIFY_EVERY === 0;
  }

  private cue(text: string): Uint32Array {
    let ids = this.cueIds.get(text);
    if (ids === undefined) {
      ids = Uint32Array.from(this.tokenizer.encode(text));
      this.cueIds.set(text, ids);
    }
    return ids;
  }
}
