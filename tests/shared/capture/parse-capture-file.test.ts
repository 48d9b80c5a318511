import { describe, expect, it } from 'vitest';
import { parseInputFile } from '../../../shared/capture/parse-capture-file.ts';

const record = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    url: 'https://neo.character.ai/turns/chat-1/',
    method: 'GET',
    status: 200,
    body: { turns: [], meta: { next_token: null } },
    capturedAt: '2026-03-01T12:00:00.000Z',
    ...overrides,
  });

describe('parseInputFile', () => {
  it('reads JSON lines, skipping blank lines, and keeps each record line', () => {
    const parsed = parseInputFile(`${record()}\n\n${record({ status: 429 })}\n`, 'a.jsonl');
    expect(parsed.kind).toBe('captures');
    if (parsed.kind !== 'captures') return;
    expect(parsed.problems).toEqual([]);
    expect(parsed.records.map((located) => [located.line, located.record.status])).toEqual([
      [1, 200],
      [3, 429],
    ]);
  });

  it('reads a JSON array of records with element positions', () => {
    const parsed = parseInputFile(`[${record()},\n${record({ method: 'POST' })}]`, 'a.json');
    if (parsed.kind !== 'captures') throw new Error('expected captures');
    expect(parsed.records.map((located) => [located.element, located.record.method])).toEqual([
      [0, 'GET'],
      [1, 'POST'],
    ]);
  });

  it('reports a broken line by number, goes on, and never quotes the content', () => {
    const secret = '{"url": "Zoë Quill lives at 12 Elm Street"';
    const parsed = parseInputFile(`${record()}\n${secret}\n${record()}`, 'caps.jsonl');
    if (parsed.kind !== 'captures') throw new Error('expected captures');
    expect(parsed.records).toHaveLength(2);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ file: 'caps.jsonl', line: 2 });
    expect(parsed.problems[0]?.message).toMatch(/not valid JSON/);
    expect(JSON.stringify(parsed.problems)).not.toMatch(/Zo|Elm/);
  });

  it.each([
    [
      'a missing field',
      JSON.stringify({ url: 'https://character.ai/x', method: 'GET', status: 200 }),
      /capturedAt/,
    ],
    ['a wrong type', record({ status: 'ok' }), /status/],
    ['a bad URL', record({ url: 'not a url with Zoë' }), /url/],
  ])('names the field for %s', (_name, line, field) => {
    const parsed = parseInputFile(line, 'x.jsonl');
    expect(parsed.problems[0]?.line).toBe(1);
    expect(parsed.problems[0]?.message).toMatch(field);
    expect(parsed.problems[0]?.message).not.toMatch(/Zoë/);
  });

  it('gives the line of a syntax error inside a JSON array when the engine reports its position', () => {
    const parsed = parseInputFile(`[${record()},\n${record()}\n${record()}]`, 'arr.json');
    expect(parsed.problems[0]).toMatchObject({ file: 'arr.json', line: 3 });
  });

  it('names the file of an unpositioned syntax error without quoting it', () => {
    const parsed = parseInputFile('[{"name": "Zoë"},,]', 'arr.json');
    expect(parsed.problems[0]).toMatchObject({ file: 'arr.json' });
    expect(parsed.problems[0]?.message).not.toMatch(/Zo/);
  });

  it.each([
    ['a chat dump', { info: { character: {} }, histories: { histories: [] } }],
    ['a definitions dump', { character: { name: 'X' }, user__username: '[BOT_CREATOR_NAME_REDACTED]' }],
  ])('recognises %s of the original dumper', (_name, json) => {
    expect(parseInputFile(JSON.stringify(json, null, 2), 'old.json').kind).toBe('dumper');
  });

  it('reports an empty file', () => {
    expect(parseInputFile('  \n', 'empty.jsonl').problems[0]?.message).toMatch(/empty/);
  });

  it('accepts a byte-order mark', () => {
    const parsed = parseInputFile(`\uFEFF${record()}`, 'bom.jsonl');
    expect(parsed.problems).toEqual([]);
  });
});

describe('parseInputFile on one object printed over several lines', () => {
  it('reads a pretty-printed capture record as one record', () => {
    const parsed = parseInputFile(JSON.stringify(JSON.parse(record()), null, 2), 'one.json');
    expect(parsed.problems).toEqual([]);
    expect(parsed.kind === 'captures' && parsed.records).toHaveLength(1);
  });

  it('reports any other object once, not once per line', () => {
    const parsed = parseInputFile(
      JSON.stringify({ settings: { theme: 'dark' }, owner: 'Zoë' }, null, 2),
      'other.json',
    );
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]?.message).toMatch(/capture record/);
    expect(parsed.problems[0]?.message).not.toMatch(/Zoë/);
  });
});
