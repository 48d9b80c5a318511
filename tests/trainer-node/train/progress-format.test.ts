import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressDisplay } from '../../../trainer-node/train/progress-display.ts';
import {
  formatCount,
  formatEventLine,
  formatRate,
  formatStatusLine,
  formatStepLine,
} from '../../../trainer-node/train/progress-format.ts';
import type { StepEvent, TrainEvent } from '../../../trainer-node/train/train-events.ts';
import { trainEventSchema } from '../../../trainer-node/train/train-events.ts';

function step(overrides: Partial<StepEvent> = {}): StepEvent {
  return {
    event: 'step',
    step: 12,
    total_steps: 40,
    epoch: 0.6,
    loss: 3.21404,
    learning_rate: 1e-5,
    grad_norm: 0.8123,
    tokens: 16384,
    trained_tokens: 2048,
    tokens_per_second: 12345.6,
    mfu: 0.4123,
    elapsed_seconds: 30,
    next_checkpoint_step: 200,
    ...overrides,
  };
}

describe('progress text', () => {
  it('draws the status line: bar, step, loss, tokens/s, MFU, ETA, next checkpoint', () => {
    expect(formatStatusLine(step(), 65, 200)).toBe(
      '[██████░░░░░░░░░░░░░░]  12/40  loss 3.2140  12.3k tok/s  MFU 41.2%  ETA 1m05s  next checkpoint 200',
    );
    expect(formatStatusLine(step({ mfu: null, next_checkpoint_step: null, step: 40 }), null, 200)).toBe(
      '[████████████████████]  40/40  loss 3.2140  12.3k tok/s  MFU n/a  ETA ?  next checkpoint at the end',
    );
  });

  it('cuts the status line to the terminal width, so a redraw never wraps', () => {
    const line = formatStatusLine(step(), 65, 40);
    expect(line).toHaveLength(39);
    expect(line.endsWith('…')).toBe(true);
  });

  it('writes a plain line per step for logs', () => {
    expect(formatStepLine(step({ grad_norm: null, loss: null }), 3725)).toBe(
      'step 12/40  epoch 0.60  loss n/a  lr 1.00e-5  grad norm n/a  16384 tokens  12.3k tok/s  MFU 41.2%  ETA 1h02m',
    );
  });

  it('describes the other events in one line each', () => {
    const start: TrainEvent = {
      event: 'start',
      protocol: 1,
      device: 'cpu',
      device_name: 'cpu',
      world_size: 2,
      dtype: 'fp32',
      parameters: 3_350_400,
      trainable_parameters: 3_350_400,
      total_steps: 30,
      tokens_per_step: 2338,
      peak_flops: null,
      resumed_from: { step: 10, path: '/o/checkpoint-10' },
      checkpoint_every: 10,
      output_dir: '/o',
    };
    expect(formatEventLine(start)).toBe(
      'training on cpu (cpu), 2 processes, fp32: 3.4M parameters, 3.4M trained; 30 steps, checkpoint every 10 steps; resuming from step 10 (/o/checkpoint-10)',
    );
    expect(formatEventLine({ event: 'eval', step: 20, loss: 2.5, perplexity: 12.1825, tokens: 900 })).toBe(
      'eval at step 20: loss 2.5000, perplexity 12.18 (900 tokens)',
    );
    expect(
      formatEventLine({ event: 'checkpoint', step: 20, path: '/o/checkpoint-20', reason: 'interval' }),
    ).toBe('checkpoint at step 20 (interval): /o/checkpoint-20');
    expect(
      formatEventLine({ event: 'done', step: 30, final_path: '/o/final', train_loss: 1.5, eval_loss: null }),
    ).toBe('done at step 30: train loss 1.5000, eval loss n/a; final model in /o/final');
    expect(formatEventLine({ event: 'interrupted', step: 7, checkpoint: '/o/checkpoint-7' })).toBe(
      'interrupted at step 7; checkpoint saved in /o/checkpoint-7',
    );
  });

  it('formats rates and counts at a glance', () => {
    expect([formatRate(812.4), formatRate(12_345), formatRate(1_204_000)]).toEqual([
      '812 tok/s',
      '12.3k tok/s',
      '1.20M tok/s',
    ]);
    expect([formatCount(850), formatCount(125_239_296), formatCount(1_315_758_080)]).toEqual([
      '850',
      '125.2M',
      '1.32B',
    ]);
  });

  it('accepts a diverged loss (null) and rejects an event missing a field', () => {
    expect(trainEventSchema.safeParse(step({ loss: null })).success).toBe(true);
    const { tokens: _dropped, ...missing } = step();
    expect(trainEventSchema.safeParse(missing).success).toBe(false);
  });
});

function capture(isTTY: boolean) {
  const out = new PassThrough();
  const err = Object.assign(new PassThrough(), { isTTY, columns: 200 });
  let outText = '';
  let errText = '';
  out.on('data', (chunk: Buffer) => (outText += chunk.toString()));
  err.on('data', (chunk: Buffer) => (errText += chunk.toString()));
  return { streams: { out, err }, text: () => ({ out: outText, err: errText }) };
}

describe('the progress display', () => {
  it('prints one plain line per log.every_steps step (and the last) when not on a terminal', () => {
    const { streams, text } = capture(false);
    const display = new ProgressDisplay(streams, 5);
    for (let n = 1; n <= 12; n += 1) display.show(step({ step: n, total_steps: 12, elapsed_seconds: n }));
    display.show({ event: 'checkpoint', step: 12, path: '/o/final', reason: 'final' });
    display.line('a worker log line', 'err');
    const lines = text().out.trim().split('\n');
    expect(lines.map((line) => line.split('  ')[0])).toEqual([
      'step 5/12',
      'step 10/12',
      'step 12/12',
      'checkpoint at step 12 (final): /o/final',
    ]);
    // Steps 1..5 took 4 s: ETA at step 10 is 2 steps at 1 step/s.
    expect(lines[1]).toMatch(/ETA 2s$/);
    expect(text().err).toBe('a worker log line\n');
  });

  it('redraws one status line on a terminal and prints other events above it', () => {
    const { streams, text } = capture(true);
    const display = new ProgressDisplay(streams, 5);
    display.show(step({ step: 1 }));
    display.show(step({ step: 2 }));
    display.show({ event: 'eval', step: 2, loss: 2, perplexity: 7.39, tokens: 10 });
    display.finish();
    const written = text().err;
    expect(text().out).toBe('');
    const frames = written.split('\r\x1b[2K').filter(Boolean);
    expect(frames[0]).toMatch(/^\[.*\] {2}1\/40 /);
    expect(frames[1]).toMatch(/^\[.*\] {2}2\/40 /);
    // The eval line, then the status line drawn again under it, then a newline at the end.
    expect(frames[2]).toMatch(/^eval at step 2: loss 2\.0000.*\n\[.*\] {2}2\/40 .*\n$/);
  });
});
