import { describe, expect, it } from 'vitest';
import {
  TORCHRUN_ENVIRONMENT,
  torchrunArguments,
} from '../../../trainer-node/worker-process/torchrun-arguments.ts';

describe('torchrunArguments', () => {
  it('launches the module on one machine with only the process count', () => {
    expect(torchrunArguments({ nprocPerNode: 2 }, 'pygbox_worker.train', ['--config', 'run.json'])).toEqual([
      '-m',
      'torch.distributed.run',
      '--nproc-per-node',
      '2',
      '-m',
      'pygbox_worker.train',
      '--config',
      'run.json',
    ]);
  });

  it('adds the rendezvous flags for several machines, in the order torchrun documents', () => {
    const args = torchrunArguments(
      { nprocPerNode: 8, nnodes: 2, nodeRank: 1, masterAddr: '10.0.0.1', masterPort: 29500 },
      'pygbox_worker.train',
      [],
    );
    expect(args.join(' ')).toBe(
      '-m torch.distributed.run --nproc-per-node 8 --nnodes 2 --node-rank 1 --master-addr 10.0.0.1 --master-port 29500 -m pygbox_worker.train',
    );
  });

  it("gives the ranks far longer than torchrun's 30 s to save after Ctrl-C before it kills them", () => {
    // torch/distributed/launcher/api.py reads this when --shutdown-timeout is not given.
    expect(Number(TORCHRUN_ENVIRONMENT.TORCH_ELASTIC_SHUTDOWN_TIMEOUT)).toBeGreaterThanOrEqual(120);
  });
});
