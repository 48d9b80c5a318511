/**
 * Origins the upload route answers cross-origin requests from: extension pages (Chromium's
 * `chrome-extension://<id>`, Firefox's `moz-extension://<uuid>`), where the Pygbox extension's
 * upload button runs. Web pages of other sites get no CORS grant, and admin routes none at all.
 */
const EXTENSION_ORIGIN = /^(?:chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f-]{36})$/;

export function isExtensionOrigin(origin: string | undefined): origin is string {
  return origin !== undefined && EXTENSION_ORIGIN.test(origin);
}
