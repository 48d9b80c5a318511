import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type JsonLine = { line: number; value: unknown } | { line: number; problem: string };

/**
 * Streams a JSON-lines file a line at a time (blank lines skipped), so a PIPPA dump of hundreds of
 * megabytes is never held whole. A line that is not JSON is yielded as a problem naming the
 * position, never quoting the text: chat lines identify people.
 */
export async function* readJsonLines(file: string): AsyncGenerator<JsonLine> {
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  try {
    for await (const raw of lines) {
      line += 1;
      const text = raw.replace(/^\uFEFF/, '').trim();
      if (text === '') continue;
      try {
        yield { line, value: JSON.parse(text) };
      } catch (error) {
        const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
        yield {
          line,
          problem: `not valid JSON${position === undefined ? '' : ` (at character ${Number(position) + 1})`}`,
        };
      }
    }
  } finally {
    lines.close();
  }
}
