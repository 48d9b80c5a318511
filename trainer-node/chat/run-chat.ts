import { closeSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { SamplerSettings } from '../../shared/generate/sampler-settings.ts';
import { fillPlaceholders } from '../../shared/prompt/fill-placeholders.ts';
import { type ChatCharacter, DEFAULT_CHAT_CHARACTER } from './chat-character.ts';
import { ChatSession, type ChatTurnLog, type ReplyOutcome } from './chat-session.ts';
import { formatReplyStats } from './format-reply-stats.ts';
import { type ChatDtype, loadChatModel } from './load-chat-model.ts';
import { readCardCharacter } from './read-card-character.ts';
import { readDumpedChatCharacter } from './read-dumped-chat-character.ts';

export interface RunChatOptions {
  modelDir: string;
  card?: string;
  chat?: string;
  chatIndex: number;
  dtype: ChatDtype | 'auto';
  preset: string;
  settings: SamplerSettings;
  /** Say this, print the one reply, exit. */
  message?: string;
  /** Append each reply's prompt, fed ids and output to this JSON-lines file. */
  logPrompts?: string;
}

export interface ChatStreams {
  input: Readable;
  /** The conversation (with --message: only the reply). */
  output: Writable;
  /** Status lines: model, dtype, device, character, per-reply figures. */
  status: Writable;
}

const COMMANDS = '/regen  a new reply in place of the last · /reset  start over · /quit  leave';

/**
 * `pygbox chat`: loads the model and the character, then either answers one --message or runs the
 * terminal loop. The conversation goes to stdout, everything about it to stderr, so `--message`
 * output is the reply alone. Ctrl-C during a reply stops that reply; at the prompt it leaves.
 */
export async function runChat(options: RunChatOptions, streams: ChatStreams): Promise<void> {
  const status = (line: string) => streams.status.write(`${line}\n`);
  const chatCharacter = await readCharacter(options);
  // Opened before the model loads: a bad path fails at once, not after the first reply.
  const promptLog = options.logPrompts === undefined ? undefined : openPromptLog(options.logPrompts);
  try {
    const model = await loadChatModel(options.modelDir, options.dtype);
    status(
      `pygbox chat: ${options.modelDir} (${model.modelType}, dtype ${model.dtype}, device ${model.device}, context ${model.contextLength} tokens)`,
    );
    status(`character: ${chatCharacter.character.name}, from ${chatCharacter.source}`);
    const session = new ChatSession(model, chatCharacter, options.settings, promptLog?.write);
    status(`sampler: ${options.preset} ${JSON.stringify({ ...options.settings, seed: session.seed })}`);
    const report = (outcome: ReplyOutcome) =>
      status(formatReplyStats(outcome.result, outcome.prompt.droppedTurns));
    try {
      if (options.message !== undefined) {
        const outcome = await session.send(options.message, {
          onText: (text) => streams.output.write(text),
        });
        streams.output.write('\n');
        report(outcome);
        return;
      }
      await interactiveLoop(session, streams, report);
    } finally {
      await session.close();
      await model.dispose();
    }
  } finally {
    promptLog?.close();
  }
}

/**
 * The --log-prompts file: the whole conversation, so it is created readable by the user alone
 * (0600; an existing file keeps its mode) and appended to, one JSON line per reply.
 */
function openPromptLog(file: string): { write: (turn: ChatTurnLog) => void; close: () => void } {
  const fail = (cause: unknown) =>
    new PygboxError('output-failed', 'cannot write the prompt log', {
      place: { file },
      hint: 'check that the folder of --log-prompts exists and is writable',
      cause,
    });
  let descriptor: number;
  try {
    descriptor = openSync(file, 'a', 0o600);
  } catch (cause) {
    throw fail(cause);
  }
  return {
    write: (turn) => {
      try {
        writeSync(descriptor, `${JSON.stringify(turn)}\n`);
      } catch (cause) {
        throw fail(cause);
      }
    },
    close: () => closeSync(descriptor),
  };
}

async function readCharacter(options: RunChatOptions): Promise<ChatCharacter> {
  if (options.card !== undefined) return await readCardCharacter(options.card);
  if (options.chat !== undefined) return await readDumpedChatCharacter(options.chat, options.chatIndex);
  return DEFAULT_CHAT_CHARACTER;
}

async function interactiveLoop(
  session: ChatSession,
  streams: ChatStreams,
  report: (outcome: ReplyOutcome) => void,
): Promise<void> {
  const interactive = (streams.input as { isTTY?: boolean }).isTTY === true;
  const lines = createInterface({ input: streams.input, output: streams.output, terminal: interactive });
  let replying: AbortController | undefined;
  lines.on('SIGINT', () => {
    if (replying !== undefined) replying.abort();
    else lines.close();
  });
  const name = session.characterName;
  const say = async (
    run: (signal: AbortSignal, onText: (text: string) => void) => Promise<ReplyOutcome | undefined>,
  ) => {
    replying = new AbortController();
    streams.output.write(`${name}: `);
    try {
      const outcome = await run(replying.signal, (text) => streams.output.write(text));
      streams.output.write('\n');
      if (outcome !== undefined) report(outcome);
    } catch (error) {
      // A reply that cannot be made (the message does not fit the context) ends that reply, not
      // the chat: the session took the message back, and the user can say something shorter.
      if (!(error instanceof PygboxError) || error.code !== 'usage') throw error;
      streams.output.write('\n');
      streams.status.write(`pygbox: ${error.describe()}\n`);
    } finally {
      replying = undefined;
    }
  };
  streams.status.write(`${COMMANDS}\n`);
  const greet = () => {
    if (session.greeting !== undefined)
      streams.output.write(`${name}: ${fillPlaceholders(session.greeting, name)}\n`);
  };
  greet();
  lines.setPrompt('You: ');
  if (interactive) lines.prompt();
  for await (const line of lines) {
    const text = line.trim();
    if (text === '/quit') break;
    if (text === '/reset') {
      session.reset();
      greet();
    } else if (text === '/regen') {
      if (!session.canRegenerate) {
        streams.status.write('nothing to regenerate yet: say something first\n');
      } else {
        await say((signal, onText) => session.regenerate({ signal, onText }));
      }
    } else if (text.startsWith('/')) {
      streams.status.write(`unknown command ${text.split(' ')[0]}; ${COMMANDS}\n`);
    } else if (text !== '') {
      await say((signal, onText) => session.send(text, { signal, onText }));
    }
    if (interactive) lines.prompt();
  }
  lines.close();
}
