import { PygboxError } from '../errors/pygbox-error.ts';
import { UPLOAD_PATH } from './upload-protocol.ts';

/** Plain http is allowed only where nothing crosses a network: this machine. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

const HINT =
  'Give the address of a Pygbox collection server, e.g. https://collect.example.org/ or, for a server on this machine, http://127.0.0.1:8765/.';

/**
 * Checks an upload endpoint the user typed: an absolute https URL, or http to this machine only
 * (chats must not cross a network unencrypted), without credentials in it. Returns the parsed URL;
 * throws PygboxError 'usage' with a hint otherwise.
 */
export function checkUploadEndpoint(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new PygboxError('usage', 'the upload endpoint is not a valid URL', {
      place: { field: 'endpoint' },
      hint: HINT,
    });
  }
  const local = LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local)) {
    const problem =
      parsed.protocol === 'http:'
        ? 'the upload endpoint uses plain http to another machine; chats must travel encrypted'
        : `the upload endpoint's scheme ${JSON.stringify(parsed.protocol)} is not https`;
    throw new PygboxError('usage', problem, { place: { field: 'endpoint' }, hint: HINT });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new PygboxError('usage', 'the upload endpoint holds a user name or password', {
      place: { field: 'endpoint' },
      hint: 'Uploads need no account: remove the "name:password@" part of the address.',
    });
  }
  return parsed;
}

/**
 * The URL uploads are POSTed to: the endpoint itself when it already names the upload path,
 * otherwise the upload path under it (`https://host/collect` → `https://host/collect/api/uploads`).
 */
export function uploadUrlFor(endpoint: URL): URL {
  const path = endpoint.pathname.replace(/\/+$/, '');
  if (path.endsWith(`/${UPLOAD_PATH}`)) return new URL(`${endpoint.origin}${path}`);
  return new URL(UPLOAD_PATH, `${endpoint.origin}${path}/`);
}
