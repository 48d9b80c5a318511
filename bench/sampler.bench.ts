/**
 * Per-token cost of the sampler in JavaScript, on 50,272 logits (OPT's vocabulary): the fused
 * sampler (shared/generate/sample-next-token.ts) and, side by side in the same run, the
 * step-by-step one it replaced (tests/shared/generate/reference-sampler.ts, the "before"). Presets
 * greedy and balanced (temperature 0.7, top-k 40, top-p 0.9, repetition penalty 1.1 over 512
 * tokens), a 400-token context. Rounds alternate which sampler goes first; each figure is the
 * median over rounds of the mean per token. Every token drawn is checked equal between the two.
 * Written to bench/RESULTS.md (section `sampler`).
 *
 *   npx tsx bench/sampler.bench.ts [--tokens 200] [--rounds 7]
 */
import { loadavg } from 'node:os';
import { sampleNextToken } from '../shared/generate/sample-next-token.ts';
import { SAMPLER_PRESETS } from '../shared/generate/sampler-presets.ts';
import type { SamplerSettings } from '../shared/generate/sampler-settings.ts';
import { seededRandom } from '../shared/generate/seeded-random.ts';
import { referenceSampleNextToken } from '../tests/shared/generate/reference-sampler.ts';
import { machineDescription, updateResults } from './results-file.ts';

const VOCABULARY = 50_272;
const CONTEXT = 400;
const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const TOKENS = option('--tokens', 200);
const ROUNDS = option('--rounds', 7);

type Sampler = typeof sampleNextToken;

/** Logits shaped like a language model's: most mass spread thin, a few dozen clearly ahead. */
function makeSteps(): Float32Array[] {
  const random = seededRandom(2026);
  return Array.from({ length: TOKENS }, () => {
    const logits = new Float32Array(VOCABULARY);
    for (let id = 0; id < VOCABULARY; id += 1) logits[id] = (random() + random() + random() - 1.5) * 4;
    for (let lead = 0; lead < 30; lead += 1) logits[Math.floor(random() * VOCABULARY)] = 8 + random() * 6;
    return logits;
  });
}

function run(sampler: Sampler, steps: Float32Array[], context: number[], settings: SamplerSettings) {
  const random = seededRandom(99);
  const tokens: number[] = [];
  const started = performance.now();
  for (const logits of steps) tokens.push(sampler(logits, context, settings, random));
  return { msPerToken: (performance.now() - started) / steps.length, tokens };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

function main(): void {
  const steps = makeSteps();
  const random = seededRandom(5);
  const context = Array.from({ length: CONTEXT }, () => Math.floor(random() * VOCABULARY));
  const rows: string[] = [];
  const loads: string[] = [];
  for (const name of ['greedy', 'balanced'] as const) {
    const settings: SamplerSettings = { ...SAMPLER_PRESETS[name] };
    loads.push(loadavg()[0]?.toFixed(1) ?? '?');
    // One untimed round each so both are compiled before timing.
    run(referenceSampleNextToken, steps.slice(0, 20), context, settings);
    run(sampleNextToken, steps.slice(0, 20), context, settings);
    const before: number[] = [];
    const after: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
      const results: Record<string, ReturnType<typeof run>> = {};
      for (const which of order) {
        results[which] = run(
          which === 'before' ? referenceSampleNextToken : sampleNextToken,
          steps,
          context,
          settings,
        );
      }
      const [reference, fast] = [results.before, results.after];
      if (reference === undefined || fast === undefined) throw new Error('a sampler did not run');
      if (reference.tokens.some((token, index) => fast.tokens[index] !== token)) {
        throw new Error(`${name}: the fast sampler drew a different token than the reference`);
      }
      before.push(reference.msPerToken);
      after.push(fast.msPerToken);
    }
    const row = `| ${name} | ${median(before).toFixed(3)} | ${median(after).toFixed(3)} | ${(median(before) / median(after)).toFixed(1)}x | yes |`;
    process.stderr.write(`${row}\n`);
    rows.push(row);
  }
  updateResults(
    'sampler',
    'Sampler: JavaScript cost per token, before and after the fused fast paths',
    [
      `Script: \`npx tsx bench/sampler.bench.ts\`. Machine: ${machineDescription()}. Date: ${new Date().toISOString().slice(0, 10)}.`,
      `${VOCABULARY.toLocaleString('en')} float32 logits per token (${TOKENS} distinct steps, a few dozen leaders over a broad tail), a ${CONTEXT}-token context. Before: the step-by-step sampler (tests/shared/generate/reference-sampler.ts: finite-logits copy, penalty copy, temperature copy, top-k over the vocabulary, ...); after: shared/generate/sample-next-token.ts (greedy: one pass, no copy; top-k: one pass with a size-k heap, a second only when the temperature rounds logits below the k-th into a tie with it, the rest on the candidates). Both measured in this run, ${ROUNDS} alternating rounds; median of the per-round mean.`,
      '',
      '| preset | before, ms per token | after, ms per token | before / after | same tokens every round |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `One-minute load average before each preset: ${loads.join(', ')} (2 cores shared with other jobs).`,
    ].join('\n'),
  );
}

main();
