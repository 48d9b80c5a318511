import { z } from 'zod';
import { sessionAuthorization } from '../shared/hook/session-token.ts';

/**
 * The user's session for the dumper, in memory only: the `Authorization` the page last sent
 * (seen by the hook), else the token the site embeds in `__NEXT_DATA__`. Never stored, logged or
 * shown; it dies with the page.
 */
export interface SessionTokenHolder {
  remember(authorization: string): void;
  current(): string | undefined;
}

const nextDataSchema = z.object({ props: z.object({ pageProps: z.object({ token: z.string().min(1) }) }) });

/** The one thing the holder reads of the page: the element holding `__NEXT_DATA__`. */
export interface NextDataSource {
  getElementById(id: string): { textContent: string | null } | null;
}

export function createSessionTokenHolder(document: NextDataSource): SessionTokenHolder {
  let seen: string | undefined;
  return {
    remember(authorization) {
      seen = sessionAuthorization(authorization) ?? seen;
    },
    current() {
      return seen ?? nextDataAuthorization(document);
    },
  };
}

function nextDataAuthorization(document: NextDataSource): string | undefined {
  const text = document.getElementById('__NEXT_DATA__')?.textContent;
  if (text === undefined || text === null || text === '') return undefined;
  try {
    const parsed = nextDataSchema.safeParse(JSON.parse(text));
    return parsed.success ? sessionAuthorization(`Token ${parsed.data.props.pageProps.token}`) : undefined;
  } catch {
    return undefined;
  }
}
