import { describe, expect, it } from 'vitest';
import { createSessionTokenHolder } from '../../userscript/session-token-holder.ts';

const page = (nextData: string | undefined) => ({
  getElementById: (id: string) =>
    id === '__NEXT_DATA__' && nextData !== undefined ? { textContent: nextData } : null,
});

describe('createSessionTokenHolder', () => {
  it('prefers the token the page last sent, else the one in __NEXT_DATA__', () => {
    const holder = createSessionTokenHolder(
      page(JSON.stringify({ props: { pageProps: { token: 'from-next' } } })),
    );
    expect(holder.current()).toBe('Token from-next');
    holder.remember('Token from-request');
    expect(holder.current()).toBe('Token from-request');
    holder.remember('Bearer something-else');
    expect(holder.current()).toBe('Token from-request');
  });

  it('has no token when the page shows none or damaged data', () => {
    expect(createSessionTokenHolder(page(undefined)).current()).toBeUndefined();
    expect(createSessionTokenHolder(page('{not json')).current()).toBeUndefined();
    expect(createSessionTokenHolder(page('{"props":{}}')).current()).toBeUndefined();
  });
});
