import type { Command } from 'commander';

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `--identity` and `--redact`, the same on every verb that anonymizes: the user's own names the
 * data never showed, and any other words to blank out.
 */
export function addPrivacyOptions(command: Command): Command {
  return command
    .option(
      '--identity <name>',
      '[string, repeatable] a name of yours to redact besides those found',
      collect,
      [],
    )
    .option(
      '--redact <word>',
      '[string, repeatable] any other word or phrase to replace with [REDACTED]',
      collect,
      [],
    );
}
