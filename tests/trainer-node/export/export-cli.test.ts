import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL_MANIFEST_PATH, modelManifestSchema } from '../../../shared/model/model-manifest.ts';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';
import { runPygboxExport } from './pygbox-export-command.ts';
import { makeTinyCheckpoint, type TinyExport } from './tiny-exported-model.ts';

/**
 * The real `pygbox export` on a tiny OPT checkpoint (one export for the whole file, ~1-2 minutes
 * on two cores), then the folder loaded by stock transformers.js in Node, the way the extension
 * loads it. The model is fitted on the exporter's sample chat, so greedy decoding is not a tie-break
 * lottery and quantized files can be held to fp32's first tokens.
 */

const PROMPT =
  "Mira's Persona: A patient lighthouse keeper who loves storms and old maps.\n<START>\nYou: What is that map on the wall?\nMira:";
const NEW_TOKENS = 16;
const DTYPES = ['fp32', 'q8', 'q4', 'q4f16'] as const;

let root: string;
let made: TinyExport;
let exported: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pygbox-export-cli-'));
  made = makeTinyCheckpoint(root);
  exported = await runPygboxExport([made.checkpoint, '-o', made.model]);
}, 600_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function torchGreedy(checkpoint: string, ids: readonly number[]): number[] {
  const script = [
    'import json, sys, torch',
    'from transformers import AutoModelForCausalLM',
    'model = AutoModelForCausalLM.from_pretrained(sys.argv[1], dtype=torch.float32).eval()',
    'ids = torch.tensor([json.loads(sys.argv[2])])',
    `out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=${NEW_TOKENS}, min_new_tokens=${NEW_TOKENS}, do_sample=False)`,
    'print(json.dumps(out[0, ids.shape[1]:].tolist()))',
  ].join('\n');
  const stdout = execFileSync(workerPaths().python, ['-c', script, checkpoint, JSON.stringify(ids)], {
    encoding: 'utf8',
    env: { ...process.env, TRANSFORMERS_VERBOSITY: 'error' },
  });
  return z.array(z.number().int()).parse(JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]'));
}

describe('pygbox export', () => {
  it('writes the folder and the zip, and prints the gate figures and where each went', () => {
    expect(exported.code, exported.stderr).toBe(0);
    expect(readdirSync(join(made.model, 'onnx')).sort()).toEqual([
      'model.onnx',
      'model_q4.onnx',
      'model_q4f16.onnx',
      'model_quantized.onnx',
    ]);
    expect(exported.stdout).toContain(`model folder: ${made.model}`);
    expect(exported.stdout).toContain(`zip for the extension: ${made.model}.zip`);
    expect(exported.stdout).toMatch(/parity: fp32 vs PyTorch max \|logit diff\| \d\.\d\de-\d+ \(no cache\)/);
    expect(exported.stdout).toMatch(
      /parity: q4 perplexity [+-]\d+\.\d\d% vs fp32, top-1 agreement \d+\.\d% over \d+ reply tokens/,
    );
    expect(exported.stderr).toContain('export: parity-q4f16');
  });

  it("writes a descriptor the importer's schema accepts, with the tokenizer's ids and no local path", () => {
    const text = readFileSync(join(made.model, MODEL_MANIFEST_PATH), 'utf8');
    const manifest = modelManifestSchema.parse(JSON.parse(text));
    expect(manifest.special_tokens).toEqual({ bos_token_id: 2, eos_token_id: 2, pad_token_id: 1 });
    expect(manifest.dtypes).toEqual(['fp32', 'q8', 'q4', 'q4f16']);
    expect(manifest.parity.quantized.map((q) => q.dtype)).toEqual(['q8', 'q4', 'q4f16']);
    for (const written of [text, readFileSync(join(made.model, 'README.md'), 'utf8')]) {
      expect(written).not.toContain(root);
      expect(written).not.toContain(homedir());
    }
  });

  it('zips every file of the folder, stored, byte for byte', () => {
    const zipFile = `${made.model}.zip`;
    const entries = unzipSync(readFileSync(zipFile));
    const descriptor = z
      .object({ files: z.array(z.object({ path: z.string(), bytes: z.number() })) })
      .parse(JSON.parse(readFileSync(join(made.model, 'pygbox-model.json'), 'utf8')));
    const names = [...descriptor.files.map((file) => file.path), 'pygbox-model.json'].sort();
    expect(Object.keys(entries).sort()).toEqual(names);
    let total = 0;
    for (const name of names) {
      const onDisk = readFileSync(join(made.model, name));
      expect(Buffer.compare(Buffer.from(entries[name] ?? new Uint8Array()), onDisk), name).toBe(0);
      total += onDisk.length;
    }
    // Stored: the archive is the files plus headers, nothing deflated.
    expect(statSync(zipFile).size - total).toBeLessThan(names.length * 200);
  });

  it('loads in transformers.js: fp32 continues exactly as PyTorch, the quantized files run too', async () => {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = '';
    const tokenizer = await AutoTokenizer.from_pretrained(made.model);
    const inputs = tokenizer(PROMPT);
    const promptIds = Array.from(inputs.input_ids.data as BigInt64Array, Number);
    const expected = torchGreedy(made.checkpoint, promptIds);
    expect(expected).toHaveLength(NEW_TOKENS);
    const generated: Record<string, number[]> = {};
    for (const dtype of DTYPES) {
      const model = await AutoModelForCausalLM.from_pretrained(made.model, { dtype });
      const output = await model.generate({
        ...inputs,
        max_new_tokens: NEW_TOKENS,
        min_new_tokens: NEW_TOKENS,
        do_sample: false,
      });
      generated[dtype] = Array.from((output as { data: BigInt64Array }).data, Number).slice(promptIds.length);
      await model.dispose();
    }
    expect(generated.fp32).toEqual(expected);
    for (const dtype of ['q8', 'q4', 'q4f16']) {
      expect(generated[dtype], dtype).toHaveLength(NEW_TOKENS);
      expect(generated[dtype]?.slice(0, 4), dtype).toEqual(expected.slice(0, 4));
    }
  }, 180_000);

  it('fails in seconds, writing nothing, when the eval dataset ends replies with another EOS', async () => {
    // The model would learn to stop at 50256 while the folder says 2: no choice of ids is right.
    const dataset = join(root, 'other-eos-dataset');
    mkdirSync(dataset);
    writeFileSync(join(dataset, 'index.json'), JSON.stringify({ tokenizer: { eosTokenId: 50256 } }));
    const out = join(root, 'refused');
    const failed = await runPygboxExport([made.checkpoint, '-o', out, '--eval-dataset', dataset]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /pygbox: .*tokenizer\.eosTokenId: .*replies end with token 50256, but the checkpoint's tokenizer says eos_token_id is 2/,
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.zip`)).toBe(false);
    expect(readdirSync(root).filter((name) => name.includes('partial'))).toEqual([]);
  }, 300_000);

  it('refuses bad arguments before starting Python', async () => {
    const dtype = await runPygboxExport([made.checkpoint, '-o', join(root, 'x'), '--dtype', 'q3']);
    expect(dtype.code).toBe(2);
    expect(dtype.stderr).toContain('invalid --dtype: unknown dtype "q3"');
    const existing = await runPygboxExport([made.checkpoint, '-o', made.model]);
    expect(existing.code).toBe(2);
    expect(existing.stderr).toContain(`${made.model}: already exists`);
    const threshold = await runPygboxExport([
      made.checkpoint,
      '-o',
      join(root, 'x'),
      '--max-ppl-increase',
      'q5=3',
    ]);
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toContain('invalid --max-ppl-increase');
  }, 60_000);
});
