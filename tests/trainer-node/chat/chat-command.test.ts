import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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
 * through the real exporter, run by transformers.js and ONNX Runtime): the ids the decoder was fed
 * are the prompt module's rendering, replies stop at `\nYou:` or EOS, the KV cache is reused across
 * turns and dropped on /regen, and the cache changes nothing in what the model computes.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const DRIVER = join(import.meta.dirname, 'chat-command-driver.ts');

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
    const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, 'chat', ...args], { cwd: ROOT });
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
    const result = await pygboxChat(
      [fixture.model, '--character', fixture.card, '--preset', 'greedy', '--log-prompts', log],
      `${FIRST.message}\n${SECOND.message}\n/regen\n/quit\n`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `Aria: ${GREETING}`,
      `Aria: ${FIRST.reply}`,
      `Aria: ${SECOND.reply}`,
      `Aria: ${SECOND.reply}`,
      '',
    ]);
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

  it('runs the q4 file when asked, and names the dtypes a folder has when one is missing', async () => {
    const q4 = await pygboxChat([
      fixture.model,
      '--character',
      fixture.card,
      '--dtype',
      'q4',
      '--preset',
      'greedy',
      '--message',
      FIRST.message,
    ]);
    expect(q4.code).toBe(0);
    expect(q4.stderr).toContain('dtype q4');
    expect(q4.stdout.trim()).not.toBe('');
    const missing = await pygboxChat([fixture.model, '--dtype', 'q8', '--message', 'hi']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no q8 model[\s\S]*hint: this folder has: fp32, q4/);
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

describe('the transformers.js decoder', () => {
  let model: ChatModel;
  beforeAll(async () => {
    model = await loadChatModel(fixture.model, 'fp32');
  }, 60_000);

  it('computes the same logits and greedy tokens with a reused cache as without one', async () => {
    const firstPrompt = expectedPromptIds(fixture.tokenizer, historyAfter(2));
    const secondPrompt = expectedPromptIds(fixture.tokenizer, historyAfter(4));
    const fresh = await model.decoder.forward(secondPrompt, undefined);
    const prefix = await model.decoder.forward(secondPrompt.slice(0, 20), undefined);
    const rest = await model.decoder.forward(secondPrompt.slice(20), prefix.cache);
    let largest = 0;
    fresh.logits.forEach((logit, id) => {
      largest = Math.max(largest, Math.abs(logit - (rest.logits[id] ?? Number.NaN)));
    });
    expect(largest).toBeLessThan(1e-4);
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
    expect(reused.reply).toBe(SECOND.reply);
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
});
