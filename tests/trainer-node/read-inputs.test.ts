import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LocatedRecord } from '../../shared/capture/parse-capture-file.ts';
import { readInputs } from '../../trainer-node/import/read-inputs.ts';

const record = (status = 200) =>
  JSON.stringify({
    url: 'https://neo.character.ai/turns/c1/',
    method: 'GET',
    status,
    body: { turns: [], meta: { next_token: null } },
    capturedAt: '2026-03-01T12:00:00.000Z',
  });
const dumper = { info: { character: { name: 'Sir Whiskers' } }, histories: { histories: [] } };

async function read(name: string, content: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pygbox-read-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  const located: LocatedRecord[] = [];
  const result = await readInputs([file], (one) => located.push(one));
  return { file, result, located };
}

describe('readInputs', () => {
  it('streams JSON lines (CRLF too) and locates every record by line', async () => {
    const { result, located } = await read('a.jsonl', `${record()}\r\n\r\n${record(429)}\r\n`);
    expect(result.unreadable).toEqual([]);
    expect(located.map((one) => [one.line, one.record.status])).toEqual([
      [1, 200],
      [3, 429],
    ]);
    expect(result.records).toBe(2);
  });

  it('goes on past a broken first line and names it', async () => {
    const { file, result, located } = await read('b.jsonl', `{"url": broken\n${record()}\n`);
    expect(located).toHaveLength(1);
    expect(result.unreadable).toEqual([expect.objectContaining({ file, line: 1 })]);
  });

  it.each([
    ['pretty-printed', JSON.stringify(dumper, null, 2)],
    ['on one line', JSON.stringify(dumper)],
  ])('recognises an old dumper file %s', async (_how, content) => {
    const { result, located } = await read('dump.json', content);
    expect(located).toEqual([]);
    expect(result.dumpers).toHaveLength(1);
    expect(result.dumpers[0]?.json).toEqual(dumper);
  });

  it('reads a JSON array of records whole, locating them by element', async () => {
    const { located } = await read('arr.json', `[\n${record()},\n${record(500)}\n]`);
    expect(located.map((one) => [one.element, one.record.status])).toEqual([
      [0, 200],
      [1, 500],
    ]);
  });

  it('reports an empty file and a missing one without stopping', async () => {
    const { file, result } = await read('empty.jsonl', '\n  \n');
    expect(result.unreadable).toEqual([{ file, message: 'the file is empty' }]);
    const missing = await readInputs([join(tmpdir(), 'pygbox-no-such-file.jsonl')], () => {});
    expect(missing.unreadable[0]?.message).toMatch(/cannot read the file \(ENOENT\)/);
  });
});
