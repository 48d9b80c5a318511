import { z } from 'zod';
import { identityOf } from '../chat/identities.ts';
import { defineAdapter } from './cai-adapter.ts';
import { optionalTextSchema, siteIdSchema } from './site-id-schema.ts';

/** Legacy `GET …/chat/user/` → `{user:{user:{id, username, first_name, email, account:{name}}}}`: the account itself. */
export const legacyUserAdapter = defineAdapter(
  'legacy user',
  z.object({
    user: z.object({
      // The outer object repeats the display name next to the account; exporters disagree on
      // which level carries the email, so both are read.
      name: optionalTextSchema,
      email: optionalTextSchema,
      user: z.object({
        id: siteIdSchema.nullish(),
        username: optionalTextSchema,
        first_name: optionalTextSchema,
        name: optionalTextSchema,
        email: optionalTextSchema,
        account: z.object({ name: optionalTextSchema }).nullish(),
      }),
    }),
  }),
  (body) => {
    const user = body.user.user;
    return {
      identities: [
        ...identityOf('username', user.username),
        ...identityOf('first-name', user.first_name),
        ...identityOf('display-name', user.name),
        ...identityOf('display-name', body.user.name),
        ...identityOf('account-name', user.account?.name),
        ...identityOf('user-id', user.id),
        // The address itself is scrubbed as PII anywhere; its local part is often the user's
        // handle elsewhere too (`sparkle.kitty99` at any provider, or typed with "at").
        ...identityOf('username', user.email?.split('@')[0]),
        ...identityOf('username', body.user.email?.split('@')[0]),
      ],
    };
  },
);
