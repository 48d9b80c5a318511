/**
 * `pygbox train` as its own program for the end-to-end tests, run as
 * `node --import tsx tests/trainer-node/train/train-cli.ts train ...`: the command's registration and
 * the CLI's failure report (trainer-node/cli.ts), without depending on cli.ts listing the command.
 */
import { Command, CommanderError } from 'commander';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { registerTrainCommand } from '../../../trainer-node/commands/train.ts';

const program = new Command().name('pygbox').exitOverride();
registerTrainCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof PygboxError) {
    process.stderr.write(`pygbox: ${error.describe()}\n`);
    process.exitCode = error.code === 'usage' ? 2 : 1;
  } else {
    throw error;
  }
}
