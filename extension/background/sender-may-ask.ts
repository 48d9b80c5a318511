import type { WorkerRequestType } from '../messages/worker-protocol.ts';

/**
 * What the relay in a character.ai tab has reason to send: captures, and the wake-up when dump
 * requests stop. Everything else (status with the store's counts, starting or cancelling a dump)
 * is the extension pages' to ask. Chromium's advice is to trust content scripts less than extension
 * pages: they share a process with the site, and a compromised renderer can send any message the
 * relay could.
 */
const CONTENT_SCRIPT_REQUESTS: ReadonlySet<WorkerRequestType> = new Set(['captures', 'dump-wake']);

/**
 * May this sender make this request? `senderUrl` is the `url` of the runtime message's sender;
 * `extensionBase` is `runtime.getURL('')` (`chrome-extension://<id>/`). The sender's extension id
 * is checked before this: only this extension's own parts get here.
 */
export function senderMayAsk(
  type: WorkerRequestType,
  senderUrl: string | undefined,
  extensionBase: string,
): boolean {
  if (senderUrl?.startsWith(extensionBase) === true) return true;
  return CONTENT_SCRIPT_REQUESTS.has(type);
}
