import { describe, expect, it } from 'vitest';
import { caiResponsePygboxError, classifyCaiResponse } from '../../../shared/cai/cai-response-error.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';

const URL_WITH_TOKEN = 'https://neo.character.ai/turns/chat-1/?next_token=secret-token';

describe('classifyCaiResponse', () => {
  it.each([
    [
      'a neo_error with HTTP 200',
      200,
      { command: 'neo_error', comment: 'chat not found' },
      'neo-error',
      false,
    ],
    ['a neo_error without comment', 200, { command: 'neo_error' }, 'neo-error', false],
    ['a NOT_OK character answer', 200, { status: 'NOT_OK', error: 'bad id' }, 'neo-error', false],
    [
      'a Cloudflare HTML page (403)',
      403,
      '<!DOCTYPE html><html><title>Just a moment...</title></html>',
      'html-error',
      true,
    ],
    ['an HTML page with HTTP 200', 200, '<html><body>Log in</body></html>', 'html-error', false],
    ['a non-JSON text body', 502, 'upstream connect error', 'html-error', true],
    ['HTTP 429 with JSON', 429, { detail: 'slow down' }, 'rate-limited', true],
    ['HTTP 429 with HTML', 429, '<html>Too many requests</html>', 'rate-limited', true],
    ['HTTP 401 with JSON', 401, { detail: 'bad token' }, 'http-error', false],
    ['HTTP 500 with JSON', 500, { error: 'oops' }, 'http-error', true],
    ['HTTP 404 with null body', 404, null, 'http-error', false],
    ['status 0 (no response)', 0, null, 'http-error', true],
  ])('classifies %s', (_label, status, body, kind, retryable) => {
    const verdict = classifyCaiResponse({ url: URL_WITH_TOKEN, status, body });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error.kind).toBe(kind);
    expect(verdict.error.retryable).toBe(retryable);
    expect(verdict.error.status).toBe(status);
    expect(verdict.error.endpoint).toBe('/turns/{id}/');
  });

  it.each([
    ['a turns page', 200, { turns: [], meta: { next_token: null } }],
    ['a character answer with status OK', 200, { character: {}, status: 'OK' }],
    ['an empty object', 200, {}],
    ['a JSON array', 200, []],
    ['a redirect-free 204 with null', 204, null],
  ])('lets %s through', (_label, status, body) => {
    expect(classifyCaiResponse({ url: URL_WITH_TOKEN, status, body })).toEqual({ ok: true });
  });

  it('never quotes the body or the query string in its message', () => {
    const verdict = classifyCaiResponse({
      url: URL_WITH_TOKEN,
      status: 200,
      body: { command: 'neo_error', comment: 'message from Mira about her cat' },
    });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error.message).not.toContain('Mira');
    expect(verdict.error.message).not.toContain('secret-token');
    expect(verdict.error.serverComment).toBe('message from Mira about her cat');
  });

  it.each([
    [{ command: 'neo_error' }, 200, 'cai-neo-error'],
    ['<html></html>', 403, 'cai-html-error'],
    [{}, 429, 'cai-http-error'],
    [{}, 503, 'cai-http-error'],
  ])('maps a failure to a PygboxError with a hint (%o, %i)', (body, status, code) => {
    const verdict = classifyCaiResponse({ url: URL_WITH_TOKEN, status, body });
    if (verdict.ok) throw new Error('expected a failure');
    const error = caiResponsePygboxError(verdict.error);
    expect(error).toBeInstanceOf(PygboxError);
    expect(error.code).toBe(code);
    expect(error.hint).toMatch(/\w/);
    expect(error.place.field).toBe('/turns/{id}/');
  });
});
