/**
 * How several processes (and machines) are launched: `python -m torch.distributed.run` with these
 * flags, then `-m <module> <args>`. torchrun starts one worker per process, sets RANK/WORLD_SIZE, and
 * on SIGINT/SIGTERM passes the signal on to every rank.
 */
export interface TorchrunOptions {
  /** Processes on this machine (one per GPU; on CPU, gloo processes). */
  nprocPerNode: number;
  /** Machines taking part; the flags below are needed only when this is above 1. */
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
}

/** The interpreter arguments that launch `module` under torchrun. */
export function torchrunArguments(
  options: TorchrunOptions,
  module: string,
  args: readonly string[],
): string[] {
  const launcher = ['-m', 'torch.distributed.run', '--nproc-per-node', String(options.nprocPerNode)];
  if (options.nnodes !== undefined) launcher.push('--nnodes', String(options.nnodes));
  if (options.nodeRank !== undefined) launcher.push('--node-rank', String(options.nodeRank));
  if (options.masterAddr !== undefined) launcher.push('--master-addr', options.masterAddr);
  if (options.masterPort !== undefined) launcher.push('--master-port', String(options.masterPort));
  return [...launcher, '-m', module, ...args];
}
