import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { generateReply } from '../../../shared/generate/generate-reply.ts';
import { PromptCache } from '../../../shared/generate/prompt-cache.ts';
import { SAMPLER_PRESETS } from '../../../shared/generate/sampler-presets.ts';
import { replyStopRules } from '../../../shared/generate/stop-rules.ts';
import { type ChatModel, loadChatModel } from '../../../trainer-node/chat/load-chat-model.ts';
import {
  expectedPromptIds,
  FIRST,
  GREETING,
  historyAfter,
  type MemorizedModel,
  makeMemorizedModel,
  SECOND,
} from './memorized-model.ts';

/**
 * `pygbox chat` end to end on a real exported model (a tiny OPT that learned one chat by heart,
 * through the real exporter, run by transformers.js and ONNX Runtime, driven through the real
 * `pygbox` bin): the ids the decoder was fed are the prompt module's rendering, replies stop at
 * `\nYou:` or EOS, the KV cache is reused across turns and dropped on /regen, and the cache changes
 * nothing in what the model computes, with a float32 or a float16 (q4f16) cache.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'trainer-node/bin/pygbox.js');

const turnLogSchema = z.object({
  prompt: z.string(),
  promptIds: z.array(z.number()),
  fed: z.array(z.array(z.number())),
  reusedTokens: z.number(),
  droppedTurns: z.number(),
  tokenIds: z.array(z.number()),
  rawText: z.string(),
  reply: z.string(),
  stopReason: z.enum(['eos', 'stop-string', 'length', 'aborted']),
  seed: z.number(),
});
const readLog = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => turnLogSchema.parse(JSON.parse(line)));

function pygboxChat(args: readonly string[], input = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [BIN, 'chat', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

let fixture: MemorizedModel;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pygbox-chat-'));
  fixture = await makeMemorizedModel(work);
}, 300_000);

describe('pygbox chat', () => {
  it('answers one --message: the prompt fed is the rendering, the reply stops at \\nYou:', async () => {
    const log = join(work, 'message.jsonl');
    const result = await pygboxChat([
      fixture.model,
      '--character',
      fixture.card,
      '--preset',
      'greedy',
      '--message',
      FIRST.message,
      '--log-prompts',
      log,
    ]);
    expect(result.stderr).toContain('dtype fp32, device cpu');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${FIRST.reply}\n`);
    // The log holds the conversation: readable by its owner alone.
    expect(statSync(log).mode & 0o777).toBe(0o600);
    const [turn] = readLog(log);
    const expected = expectedPromptIds(fixture.tokenizer, historyAfter(2));
    expect(turn?.promptIds).toEqual(expected);
    expect(turn?.fed[0]).toEqual(expected);
    expect(turn?.fed.slice(1).every((ids) => ids.length === 1)).toBe(true);
    expect(turn).toMatchObject({
      rawText: ` ${FIRST.reply}\nYou:`,
      stopReason: 'stop-string',
      reusedTokens: 0,
    });
  }, 60_000);

  it('chats from stdin: reuses the cache for the next turn, stops at EOS, and drops the cache on /regen', async () => {
    const log = join(work, 'chat.jsonl');
    // A message of more words than the model has positions cannot fit. The chat says so and goes
    // on, and the message is taken back (the next prompt, and its cache reuse, are as if it was
    // never sent).
    const config = z
      .object({ max_position_embeddings: z.number() })
      .parse(JSON.parse(readFileSync(join(fixture.model, 'config.json'), 'utf8')));
    const tooLong = Array.from({ length: config.max_position_embeddings }, (_, index) => `word${index}`).join(
      ' ',
    );
    const result = await pygboxChat(
      [fixture.model, '--character', fixture.card, '--preset', 'greedy', '--log-prompts', log],
      `${FIRST.message}\n${tooLong}\n${SECOND.message}\n/regen\n/quit\n`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `Aria: ${GREETING}`,
      `Aria: ${FIRST.reply}`,
      'Aria: ',
      `Aria: ${SECOND.reply}`,
      `Aria: ${SECOND.reply}`,
      '',
    ]);
    expect(result.stderr).toMatch(/max_new_tokens: the persona and the last message do not fit/);
    expect(result.stderr).not.toContain('word1');
    const [first, second, regenerated] = readLog(log);
    if (first === undefined || second === undefined || regenerated === undefined)
      throw new Error('three turns');
    const secondPrompt = expectedPromptIds(fixture.tokenizer, historyAfter(4));
    expect(second.promptIds).toEqual(secondPrompt);
    // The first turn's cache: its prompt and every reply token but the last (`:` of `\nYou:`).
    const covered = first.promptIds.length + first.tokenIds.length - 1;
    expect(second.reusedTokens).toBe(covered);
    expect(second.fed[0]).toEqual(secondPrompt.slice(covered));
    expect(second).toMatchObject({ stopReason: 'eos', rawText: ` ${SECOND.reply}` });
    expect(second.tokenIds).not.toContain(fixture.tokenizer.eosId);
    expect(regenerated).toMatchObject({ reusedTokens: 0, promptIds: secondPrompt, reply: SECOND.reply });
    expect(regenerated.fed[0]).toEqual(secondPrompt);
  }, 60_000);

  it('names the dtypes a folder has when the one asked for is missing', async () => {
    const missing = await pygboxChat([fixture.model, '--dtype', 'q8', '--message', 'hi']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no q8 model[\s\S]*hint: this folder has: fp32, q4f16/);
  }, 60_000);

  it('takes the character and greeting from a dumped chat', async () => {
    const log = join(work, 'dumped.jsonl');
    const result = await pygboxChat([
      fixture.model,
      '--chat',
      join(ROOT, 'samples/captures/neo-session.jsonl'),
      '--message',
      'Hello',
      '--max-new-tokens',
      '3',
      '--log-prompts',
      log,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/character: Aria Vale, from chat 0 of/);
    const [turn] = readLog(log);
    expect(turn?.prompt).toMatch(
      /^Aria Vale's Persona: [\s\S]*<START>\nAria Vale: [\s\S]*\nYou: Hello\nAria Vale:$/,
    );
    expect(turn?.tokenIds.length).toBeLessThanOrEqual(3);
  }, 60_000);
});

/** The largest |a - b| over two logit rows. */
function largestDifference(a: Float32Array, b: Float32Array): number {
  let largest = 0;
  a.forEach((logit, id) => {
    largest = Math.max(largest, Math.abs(logit - (b[id] ?? Number.NaN)));
  });
  return largest;
}

// fp32's cache is float32; q4f16's is float16 (its logits stay float32), which the adapter must
// hand back to the graph as it came, on the first step and after. The bound is the cache's
// rounding: float16 keys and values of a tiny model move its logits by about 1e-3.
describe.each([
  { dtype: 'fp32', tolerance: 1e-4 },
  { dtype: 'q4f16', tolerance: 2e-2 },
] as const)('the transformers.js decoder on $dtype', ({ dtype, tolerance }) => {
  let model: ChatModel;
  beforeAll(async () => {
    model = await loadChatModel(fixture.model, dtype);
  }, 60_000);

  it('computes the same logits and greedy tokens with a reused cache as without one', async () => {
    const firstPrompt = expectedPromptIds(fixture.tokenizer, historyAfter(2));
    const secondPrompt = expectedPromptIds(fixture.tokenizer, historyAfter(4));
    const fresh = await model.decoder.forward(secondPrompt, undefined);
    const prefix = await model.decoder.forward(secondPrompt.slice(0, 20), undefined);
    const middle = await model.decoder.forward(secondPrompt.slice(20, 21), prefix.cache);
    const rest = await model.decoder.forward(secondPrompt.slice(21), middle.cache);
    expect(rest.cache.length).toBe(secondPrompt.length);
    expect(largestDifference(fresh.logits, rest.logits)).toBeLessThan(tolerance);
    await model.decoder.disposeCache(fresh.cache);
    await model.decoder.disposeCache(rest.cache);

    const settings = { ...SAMPLER_PRESETS.greedy, max_new_tokens: 12 };
    const options = {
      model: model.decoder,
      settings,
      stop: replyStopRules(model.eosIds),
      decode: (ids: readonly number[]) => fixture.tokenizer.decode(ids),
    };
    const cache = new PromptCache(model.decoder);
    await generateReply({ ...options, promptIds: firstPrompt, cache });
    const reused = await generateReply({ ...options, promptIds: secondPrompt, cache });
    const uncached = await generateReply({ ...options, promptIds: secondPrompt });
    expect(reused.reusedTokens).toBeGreaterThan(firstPrompt.length);
    expect(reused.tokenIds).toEqual(uncached.tokenIds);
    if (dtype === 'fp32') expect(reused.reply).toBe(SECOND.reply);
    await cache.clear();
  });

  it('samples reproducibly from a seed', async () => {
    const promptIds = expectedPromptIds(fixture.tokenizer, historyAfter(2));
    const sample = (seed: number) =>
      generateReply({
        model: model.decoder,
        promptIds,
        settings: { ...SAMPLER_PRESETS.creative, temperature: 1.5, max_new_tokens: 8, seed },
        stop: replyStopRules(model.eosIds),
        decode: (ids) => fixture.tokenizer.decode(ids),
      });
    expect((await sample(11)).tokenIds).toEqual((await sample(11)).tokenIds);
  });

  it('fails a broken run with a PygboxError, and transformers.js logs no input ids', async () => {
    // An id past the vocabulary makes ONNX Runtime's Gather fail; transformers.js then logs every
    // input it was given (the prompt's ids: the user's words) unless its log level is NONE.
    const logged: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(...args);
    });
    try {
      await expect(model.decoder.forward([2, 987_654_321], undefined)).rejects.toMatchObject({
        code: 'input-unreadable',
      });
    } finally {
      spy.mockRestore();
    }
    expect(
      JSON.stringify(logged, (_key, value) => (typeof value === 'bigint' ? String(value) : value)),
    ).not.toContain('987654321');
  });
});
