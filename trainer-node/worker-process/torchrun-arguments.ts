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

/**
 * Environment for the torchrun launcher. On Ctrl-C torchrun relays SIGTERM to every rank and
 * SIGKILLs them 30 s later by default: too short for the ranks to finish their step and write a
 * 1.3B model with its fp32 optimizer state (~16 GB; over a minute on a slow disk), so the
 * "Ctrl-C saves a checkpoint" promise would break exactly on the big runs. Not much longer either:
 * when one rank crashes, torchrun sends the same SIGTERM to the others, which may sit in a
 * collective that never returns, and this is how long they then hang before being killed.
 * A second Ctrl-C still kills the whole process group at once. (An environment variable, not
 * `--shutdown-timeout`: an older torch ignores it instead of refusing to start.)
 */
export const TORCHRUN_ENVIRONMENT: Readonly<Record<string, string>> = {
  TORCH_ELASTIC_SHUTDOWN_TIMEOUT: '180',
};

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
