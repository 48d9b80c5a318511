import { describe, expect, it } from 'vitest';
import { entryPathProblem } from '../../../shared/zip/zip-entry-path.ts';

describe('entryPathProblem', () => {
  it.each([
    'manifest.json',
    'chats.jsonl',
    'compat/dumper/character-0001.json',
    'a/b/c.txt',
    'dots..in.name',
  ])('accepts %j', (name) => {
    expect(entryPathProblem(name)).toBeUndefined();
  });

  it.each([
    ['', /empty name/],
    ['../x', /"\.\." segment/],
    ['a/../../x', /"\.\." segment/],
    ['a/..', /"\.\." segment/],
    ['/x', /absolute path/],
    ['a\\b', /backslash/],
    ['..\\x', /backslash/],
    ['c:x', /drive letter/],
    ['Z:/x', /drive letter/],
    ['a//b', /empty path segment/],
    ['dir/', /empty path segment/],
    ['./a', /"\." segment/],
    ['a\nb', /control character/],
  ])('rejects %j', (name, problem) => {
    expect(entryPathProblem(name)).toMatch(problem);
  });
});
