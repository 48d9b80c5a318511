/**
 * A minimal XMLHttpRequest for unit tests of the hook's patching (Node has none). It answers
 * from a table, fires `load` then `loadend` like a browser, and supports the response types the
 * hook reads, with `readystatechange` (state 4) before `load`. As the XHR standard says, `open()` during a request ends it without any event, and
 * `send()` twice throws InvalidStateError. The real browser XHR is exercised by the userscript e2e.
 */
export interface FakeXhrAnswer {
  status: number;
  text: string;
}

export function makeFakeXhrClass(answer: (method: string, url: string) => FakeXhrAnswer | undefined) {
  return class FakeXhr extends EventTarget {
    status = 0;
    readyState = 0;
    responseType: XMLHttpRequestResponseType = '';
    responseText = '';
    response: unknown = null;
    onload: (() => void) | null = null;
    requestHeaders: Record<string, string> = {};
    #method = 'GET';
    #url = '';
    #pending: ReturnType<typeof setTimeout> | undefined;

    open(method: string, url: string): void {
      // Re-opening terminates the request in flight: it fires no load or loadend at all.
      if (this.#pending !== undefined) clearTimeout(this.#pending);
      this.#pending = undefined;
      this.status = 0;
      this.#method = method;
      this.#url = url;
    }

    setRequestHeader(name: string, value: string): void {
      this.requestHeaders[name.toLowerCase()] = value;
    }

    send(_body?: unknown): void {
      if (this.#pending !== undefined)
        throw new DOMException('send() was already called', 'InvalidStateError');
      const found = answer(this.#method, this.#url);
      this.#pending = setTimeout(() => {
        this.#pending = undefined;
        if (found !== undefined) {
          this.status = found.status;
          this.responseText = this.responseType === '' || this.responseType === 'text' ? found.text : '';
          this.response = this.responseType === 'json' ? safeJson(found.text) : found.text;
          this.readyState = 4;
          this.dispatchEvent(new Event('readystatechange'));
          this.onload?.();
          this.dispatchEvent(new Event('load'));
        } else {
          this.readyState = 4;
          this.dispatchEvent(new Event('readystatechange'));
          this.dispatchEvent(new Event('error'));
        }
        this.dispatchEvent(new Event('loadend'));
      }, 0);
    }
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
