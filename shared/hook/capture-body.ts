/**
 * A capture record's body: the parsed JSON, or the text itself when it is not JSON (an HTML error
 * page, a plain-text error), so the adapters can tell the two apart and report the latter.
 */
export function captureBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
