import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { checkUploadEndpoint, uploadUrlFor } from '../../../shared/upload/upload-endpoint.ts';

function refusal(url: string): PygboxError {
  try {
    checkUploadEndpoint(url);
  } catch (error) {
    if (error instanceof PygboxError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('checkUploadEndpoint', () => {
  it.each([
    'https://collect.example.org/',
    'https://collect.example.org:8443/pygbox',
    'http://localhost:8765',
    'http://127.0.0.1:8765/',
    'http://[::1]:8765/',
    '  https://collect.example.org  ',
  ])('accepts %s', (url) => {
    expect(checkUploadEndpoint(url)).toBeInstanceOf(URL);
  });

  it.each([
    ['http://collect.example.org/', /plain http to another machine/],
    ['http://192.168.1.20:8765/', /plain http/],
    ['http://localhost.evil.example/', /plain http/],
    ['ftp://collect.example.org/', /scheme "ftp:"/],
    ['javascript:alert(1)', /scheme/],
    ['collect.example.org', /not a valid URL/],
    ['', /not a valid URL/],
  ])('refuses %s as a usage error with a hint', (url, problem) => {
    const error = refusal(url);
    expect(error.code).toBe('usage');
    expect(error.message).toMatch(problem);
    expect(error.hint).toMatch(/https:\/\//);
    expect(error.place.field).toBe('endpoint');
  });

  it('refuses credentials in the address: uploads need no account', () => {
    const error = refusal('https://someone:secret@collect.example.org/');
    expect(error.message).toMatch(/user name or password/);
    expect(error.message).not.toContain('secret');
  });
});

describe('uploadUrlFor', () => {
  it.each([
    ['http://127.0.0.1:8765', 'http://127.0.0.1:8765/api/uploads'],
    ['http://127.0.0.1:8765/', 'http://127.0.0.1:8765/api/uploads'],
    ['https://example.org/collect', 'https://example.org/collect/api/uploads'],
    ['https://example.org/collect/', 'https://example.org/collect/api/uploads'],
    ['https://example.org/api/uploads', 'https://example.org/api/uploads'],
    ['https://example.org/api/uploads/', 'https://example.org/api/uploads'],
    ['https://example.org/?q=1#top', 'https://example.org/api/uploads'],
  ])('sends uploads for %s to %s', (endpoint, expected) => {
    expect(uploadUrlFor(new URL(endpoint)).href).toBe(expected);
  });
});
