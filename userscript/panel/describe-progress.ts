import type { DumpProgress } from '../../shared/dump/dump-progress.ts';

export const plural = (count: number, one: string, many = `${one}s`): string =>
  `${count} ${count === 1 ? one : many}`;

/** A dump's progress as one line of plain words, for the panel. */
export function describeProgress(progress: DumpProgress): string {
  const counts = `${plural(progress.pages, 'page')}, ${plural(progress.items, 'message')} fetched`;
  const chats =
    progress.chatsTotal === 0
      ? ''
      : `${progress.chatsDone} of ${plural(progress.chatsTotal, 'chat')} done${progress.chatsFailed > 0 ? `, ${progress.chatsFailed} failed` : ''}; `;
  const retries = progress.retries > 0 ? `; ${plural(progress.retries, 'retry', 'retries')}` : '';
  switch (progress.phase) {
    case 'listing':
      return `Listing chats… ${counts}${retries}`;
    case 'dumping':
      return `${progress.resumed ? 'Resumed. ' : ''}Dumping: ${chats}${counts}${retries}`;
    case 'waiting':
      return `Waiting ${Math.ceil((progress.waitMs ?? 0) / 1000)} s before retrying (${progress.problem ?? 'the site refused'}). ${chats}${counts}`;
    case 'finished':
      return progress.chatsFailed === 0
        ? `Finished: ${chats}${counts}${retries}.`
        : `Finished: ${chats}${counts}${retries}. Last problem: ${progress.problem ?? 'unknown'}. Press the same button again to retry the failed chats.`;
    case 'cancelled':
      return `Cancelled: ${chats}${counts}. Start the same dump again to continue where it stopped.`;
    case 'failed':
      return `Stopped: ${chats}${counts}.`;
  }
}
