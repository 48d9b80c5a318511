import { Command, CommanderError } from 'commander';
import { PygboxError } from '../shared/errors/pygbox-error.ts';
import { PYGBOX_VERSION } from '../shared/version.ts';
import { registerChatCommand } from './commands/chat.ts';
import { registerDatasetCommand } from './commands/dataset.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerTrainCommand } from './commands/train.ts';

/**
 * `pygbox`: one thin command file per verb under commands/, each loading its work lazily so
 * `--help` stays instant. Every failure prints the same way: what, where, and the fix.
 */
const program = new Command()
  .name('pygbox')
  .description('Pygbox: build your own chat model from your Character.AI chats, privately.')
  .version(PYGBOX_VERSION)
  .showHelpAfterError()
  .exitOverride();

registerImportCommand(program);
registerDatasetCommand(program);
registerTrainCommand(program);
registerExportCommand(program);
registerServeCommand(program);
registerChatCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}

function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help / version it was asked for).
    return error.exitCode;
  }
  if (error instanceof PygboxError) {
    process.stderr.write(`pygbox: ${error.describe()}\n`);
    return error.code === 'usage' ? 2 : 1;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`pygbox: unexpected failure (this is a bug; please report it):\n${detail}\n`);
  return 1;
}
