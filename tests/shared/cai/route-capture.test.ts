import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureEndpoint } from '../../../shared/cai/capture-endpoint.ts';
import { findCaiAdapter, routeCapture } from '../../../shared/cai/route-capture.ts';
import { captureRecord } from '../../fixtures/cai/capture-records.ts';

const LEGACY_HOSTS = [
  'character.ai',
  'www.character.ai',
  'beta.character.ai',
  'plus.character.ai',
  'old.character.ai',
];

describe('findCaiAdapter', () => {
  it.each([
    ['/turns/chat-1/', 'neo turns page'],
    ['/turns/chat-1', 'neo turns page'],
    ['/turns/chat-1/?next_token=abc', 'neo turns page'],
    ['/chats/?character_ids=char-1&num_preview_turns=2', 'neo chat list'],
    ['/chats/recent/', 'neo chat list'],
    ['/chats/recent/char-1', 'neo chat list'],
    ['/chat/chat-1/', 'neo chat'],
    ['/chat/chat-1/?load_metadata=true', 'neo chat'],
    ['/character/v1/get_character_info', 'neo character info'],
    ['/character/v1/get_character_infos', 'neo character infos'],
  ])('routes neo.character.ai%s to the %s adapter', (path, name) => {
    expect(findCaiAdapter(`https://neo.character.ai${path}`)?.name).toBe(name);
  });

  const legacyPaths: [string, string][] = [
    ['/chat/character/histories/', 'legacy histories'],
    ['/chat/character/histories_v2/', 'legacy histories'],
    ['/chat/history/msgs/user/?history_external_id=h-1&page_num=2', 'legacy history messages'],
    ['/chat/character/info/', 'legacy character info'],
    ['/chat/character/info-cached/', 'legacy character info'],
    ['/chat/character/', 'legacy character info'],
    ['/chat/user/', 'legacy user'],
    ['/chat/personas/?force_refresh=1', 'legacy personas'],
  ];
  it.each(LEGACY_HOSTS.flatMap((host) => legacyPaths.map(([path, name]) => [host, path, name])))(
    'routes %s%s to the %s adapter',
    (host, path, name) => {
      expect(findCaiAdapter(`https://${host}${path}`)?.name).toBe(name);
    },
  );

  it.each([
    ['a neo path on a legacy host', 'https://plus.character.ai/turns/chat-1/'],
    ['a legacy path on neo', 'https://neo.character.ai/chat/character/histories_v2/'],
    ['group chats', 'https://neo.character.ai/murooms/?include_turns=false'],
    ['archiving', 'https://neo.character.ai/chat/chat-1/archive'],
    ['another site', 'https://example.com/turns/chat-1/'],
    ['a look-alike host', 'https://neo.character.ai.example.com/turns/chat-1/'],
    ['not a URL', 'turns/chat-1'],
  ])('knows no adapter for %s', (_label, url) => {
    expect(findCaiAdapter(url)).toBeUndefined();
  });
});

describe('routeCapture', () => {
  it('reports an unknown endpoint with its path and no query string', () => {
    const routed = routeCapture(
      captureRecord('https://neo.character.ai/murooms/?token=abc', { rooms: [] }),
      4,
    );
    expect(routed).toEqual({
      ok: false,
      problem: expect.objectContaining({ recordIndex: 4, endpoint: '/murooms/', kind: 'unknown-endpoint' }),
    });
    expect(!routed.ok && routed.problem.message).not.toContain('abc');
  });

  it('classifies error responses before reading the body', () => {
    const routed = routeCapture(
      captureRecord('https://neo.character.ai/turns/chat-1/', { command: 'neo_error', comment: 'x' }),
      0,
    );
    expect(!routed.ok && routed.problem.kind).toBe('neo-error');
  });

  it('reports a known endpoint whose body changed as unknown-shape naming endpoint and field', () => {
    const routed = routeCapture(
      captureRecord('https://neo.character.ai/turns/chat-1/', { turns: [{ turn_key: 'Mira wrote this' }] }),
      2,
    );
    expect(routed.ok).toBe(false);
    if (routed.ok) return;
    expect(routed.problem.kind).toBe('unknown-shape');
    expect(routed.problem.message).toContain('neo turns page');
    expect(routed.problem.message).toContain('turns[0].turn_key');
    expect(routed.problem.message).not.toContain('Mira');
  });

  it('never throws, whatever the body of a known endpoint', () => {
    const urls = [
      'https://neo.character.ai/turns/chat-1/',
      'https://neo.character.ai/chats/recent/',
      'https://neo.character.ai/chat/chat-1/',
      'https://neo.character.ai/character/v1/get_character_info',
      'https://plus.character.ai/chat/character/histories_v2/',
      'https://plus.character.ai/chat/history/msgs/user/?history_external_id=h&page_num=x',
      'https://plus.character.ai/chat/character/',
      'https://plus.character.ai/chat/user/',
      'https://plus.character.ai/chat/personas/',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...urls),
        fc.jsonValue(),
        fc.integer({ min: 0, max: 599 }),
        (url, body, status) => {
          const routed = routeCapture(captureRecord(url, body, { status }), 0);
          expect(typeof routed.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('captureEndpoint', () => {
  it.each([
    ['https://neo.character.ai/turns/3f2a9c1e-77aa/?next_token=abc', '/turns/{id}/'],
    ['https://neo.character.ai/chats/recent/char-aria-0001', '/chats/recent/{id}'],
    ['https://neo.character.ai/character/v1/get_character_info', '/character/v1/get_character_info'],
    ['https://plus.character.ai/chat/history/msgs/user/?history_external_id=h-1', '/chat/history/msgs/user/'],
    ['https://neo.character.ai/profile/zoe_starlight/', '/profile/{id}/'],
    ['https://example.org/zoe/page', '/{id}/{id}'],
    ['not a url?token=1', '{id}'],
  ])('shows %s as %s: no query string, no ids, no names', (url, shown) => {
    expect(captureEndpoint(url)).toBe(shown);
  });
});
