import type { ImportSummary } from './run-import.ts';

/** The summary printed after an import: counts, then what was skipped or unreadable and why. */
export function formatImportSummary(summary: ImportSummary): string {
  const lines = [
    `read ${summary.files} file(s): ${summary.records} capture record(s), ${summary.dumperFiles} dumper file(s); ${summary.recordsUsed} contributed data`,
    `chats: ${summary.chats}, messages: ${summary.messages}, identities redacted: ${summary.identitiesRedacted}`,
  ];
  if (summary.zips > 0) {
    const duplicates =
      summary.duplicatePreferences === 0
        ? ''
        : ` (${summary.duplicatePreferences} older copies of the same records left out)`;
    lines.splice(
      1,
      0,
      `read ${summary.zips} export zip(s); preference records: ${summary.preferences}${duplicates}`,
    );
  }
  if (summary.skipped.length > 0) {
    lines.push(`skipped ${summary.skipped.length} record(s) that held no chat data:`);
    for (const skip of summary.skipped) lines.push(`  ${skip.where}: ${skip.kind}: ${skip.message}`);
  }
  if (summary.unreadable.length > 0) {
    lines.push(`could not read ${summary.unreadable.length} input(s); they are NOT in the output:`);
    for (const problem of summary.unreadable) {
      const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
      lines.push(`  ${where}: ${problem.message}`);
    }
  }
  for (const output of summary.written) lines.push(`wrote ${output.path} (${output.what})`);
  return lines.join('\n');
}
