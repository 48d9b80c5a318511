import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeCommand, runTraining, type TrainOptions } from '../../../trainer-node/train/run-training.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';
import { buildFixtureDataset, writeTrainConfig } from './train-fixture.ts';

/** The checks `pygbox train` makes before it starts the worker: none of these tests runs Python. */
let work: string;
// Building the dataset tokenizes every sample: seconds, more on a busy machine.
beforeAll(async () => {
  ({ work } = await buildFixtureDataset());
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function options(config: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return { config, resume: false, nproc: 1, nnodes: 1, dryRun: false, ...extra };
}

function quietStreams() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { streams: { out, err: new PassThrough() }, text: () => text };
}

/** An output folder holding what a run leaves: complete checkpoints (with their marker file). */
function fakeRun(name: string, steps: number[]): string {
  const folder = join(work, name);
  for (const step of steps) {
    mkdirSync(join(folder, `checkpoint-${step}`), { recursive: true });
    writeFileSync(join(folder, `checkpoint-${step}`, 'pygbox-checkpoint.json'), '{}');
  }
  // A folder being written (no marker) is not a checkpoint.
  mkdirSync(join(folder, 'checkpoint-99.tmp'), { recursive: true });
  return folder;
}

describe('pygbox train, before the worker starts', () => {
  it('--dry-run prints the resolved settings and the launch, writes nothing', async () => {
    const config = writeTrainConfig(work, 'dry', 'dry-out');
    const { streams, text } = quietStreams();
    expect(await runTraining(options(config, { dryRun: true, nproc: 2 }), streams)).toBe(0);
    expect(text()).toContain(`  dataset                            ${join(work, 'dataset')}\n`);
    expect(text()).toMatch(/ {2}train\.seed +42 {2}\(default\)\n/);
    expect(text()).toContain('launch: torchrun: 2 processes per machine; a new run');
    expect(existsSync(join(work, 'dry-out'))).toBe(false);
  });

  it('refuses an output_dir that already holds checkpoints unless --resume is given', async () => {
    fakeRun('used', [4, 8]);
    const config = writeTrainConfig(work, 'used', 'used');
    const error = await pygboxRejection(
      runTraining(options(config, { dryRun: true }), quietStreams().streams),
    );
    expect(error.message).toBe(`output_dir already holds a run (${join(work, 'used', 'checkpoint-8')})`);
    expect(error.place).toEqual({ file: config, field: 'output_dir' });
    expect(error.hint).toBe('pass --resume to continue it, or set output_dir to a new folder');
    const { streams, text } = quietStreams();
    await runTraining(options(config, { dryRun: true, resume: true }), streams);
    expect(text()).toContain(`resuming from ${join(work, 'used', 'checkpoint-8')}`);
  });

  it('says there is nothing to resume in an output_dir without checkpoints', async () => {
    fakeRun('empty', []);
    const config = writeTrainConfig(work, 'empty', 'empty');
    const error = await pygboxRejection(
      runTraining(options(config, { dryRun: true, resume: true }), quietStreams().streams),
    );
    expect(error.message).toBe(`--resume: there is no checkpoint to resume in ${join(work, 'empty')}`);
    const notCheckpoint = await pygboxRejection(
      runTraining(options(config, { dryRun: true, resume: join(work, 'empty') }), quietStreams().streams),
    );
    expect(notCheckpoint.message).toContain('is not a checkpoint folder (no pygbox-checkpoint.json)');
  });

  it('checks the dataset folder before anything starts', async () => {
    mkdirSync(join(work, 'not-a-dataset'), { recursive: true });
    const config = join(work, 'bad-data.yaml');
    writeFileSync(
      config,
      'dataset: not-a-dataset\noutput_dir: bad-data-out\nmodel:\n  base: facebook/opt-125m\n',
    );
    const error = await pygboxRejection(runTraining(options(config), quietStreams().streams));
    expect(error.code).toBe('dataset-invalid');
    expect(error.place.file).toBe(join(work, 'not-a-dataset', 'index.json'));
    expect(existsSync(join(work, 'bad-data-out'))).toBe(false);
  });

  it('refuses an output_dir it cannot write, naming the field and its line', async () => {
    writeFileSync(join(work, 'a-file'), 'not a folder');
    const config = writeTrainConfig(work, 'unwritable', 'a-file/run');
    const error = await pygboxRejection(runTraining(options(config), quietStreams().streams));
    expect(error.code).toBe('output-failed');
    expect(error.place).toEqual({ file: config, line: 2, field: 'output_dir' });
  });

  it('gives the exact command that resumes, with the launch flags', () => {
    expect(resumeCommand(options('runs/my run.yaml', { nproc: 4 }))).toBe(
      "pygbox train --config 'runs/my run.yaml' --resume --nproc 4",
    );
    expect(
      resumeCommand(
        options('a.yaml', { nproc: 8, nnodes: 2, nodeRank: 1, masterAddr: '10.0.0.1', masterPort: 29500 }),
      ),
    ).toBe(
      'pygbox train --config a.yaml --resume --nproc 8 --nnodes 2 --node-rank 1 --master-addr 10.0.0.1 --master-port 29500',
    );
  });
});
