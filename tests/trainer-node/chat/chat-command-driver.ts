import { Command } from 'commander';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { registerChatCommand } from '../../../trainer-node/commands/chat.ts';

/**
 * `pygbox chat` as the CLI runs it (commander, the same failure printing), for the end-to-end
 * test, until trainer-node/cli.ts registers the command and the test can run the bin itself.
 */
const program = new Command().name('pygbox').exitOverride();
registerChatCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof PygboxError) {
    process.stderr.write(`pygbox: ${error.describe()}\n`);
    process.exitCode = error.code === 'usage' ? 2 : 1;
  } else if (error instanceof Error && 'exitCode' in error) {
    process.exitCode = Number(error.exitCode);
  } else {
    throw error;
  }
}
