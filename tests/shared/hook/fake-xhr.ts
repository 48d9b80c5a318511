/**
 * A minimal XMLHttpRequest for unit tests of the hook's patching (Node has none). It answers
 * from a table, fires `load` then `loadend` like a browser, and supports the response types the
 * hook reads. The real browser XHR is exercised by the userscript e2e test.
 */
export interface FakeXhrAnswer {
  status: number;
  text: string;
}

export function makeFakeXhrClass(answer: (method: string, url: string) => FakeXhrAnswer | undefined) {
  return class FakeXhr extends EventTarget {
    status = 0;
    responseType: XMLHttpRequestResponseType = '';
    responseText = '';
    response: unknown = null;
    onload: (() => void) | null = null;
    requestHeaders: Record<string, string> = {};
    #method = 'GET';
    #url = '';

    open(method: string, url: string): void {
      this.#method = method;
      this.#url = url;
    }

    setRequestHeader(name: string, value: string): void {
      this.requestHeaders[name.toLowerCase()] = value;
    }

    send(_body?: unknown): void {
      const found = answer(this.#method, this.#url);
      setTimeout(() => {
        if (found !== undefined) {
          this.status = found.status;
          this.responseText = this.responseType === '' || this.responseType === 'text' ? found.text : '';
          this.response = this.responseType === 'json' ? safeJson(found.text) : found.text;
          this.onload?.();
          this.dispatchEvent(new Event('load'));
        } else {
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
