/**
 * The part of a window the capture hook patches. The userscript passes the page's `window`, the
 * extension's page-world script its own `window`, unit tests a plain object with fakes: the hook
 * never reaches for globals, so it runs the same in all three.
 */
export interface HookTarget {
  fetch?: typeof fetch;
  XMLHttpRequest?: typeof XMLHttpRequest;
  /** Relative request URLs resolve against this page address. */
  location?: { href: string };
}
