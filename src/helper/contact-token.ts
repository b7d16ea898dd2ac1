import type { Context } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { DEFAULT_CONTACT_TOKEN_TTL_SECONDS } from '../config/token-ttl.ts'
import type { VerifyResult } from '../crypto/tokens.ts'
import { signer } from './signer.ts'

// The signer refuses a token of another kind, so a contact token is never anything else.
const KIND = 'contact'

/**
 * A signed contact token for a contact id, valid for `contactTokenTtlSeconds` (24 h by
 * default) from the app's clock.
 *
 * @example
 * const token = await issueContactToken(c, '6740a1c2f3e4d5c6b7a89012')
 */
export const issueContactToken = async (c: Context<AppEnv>, contactId: string): Promise<string> =>
  (await signer(c)).sign(
    { sub: contactId, kind: KIND },
    c.get('deps').clock(),
    c.get('deps').contactTokenTtlSeconds ?? DEFAULT_CONTACT_TOKEN_TTL_SECONDS,
  )

/**
 * Checks a contact token: signature (HS256, pinned), expiry against the app's clock, kind.
 *
 * @example
 * const result = await verifyContactToken(c, token)
 * if (result.ok) result.claims.sub // the contact id
 */
export const verifyContactToken = async (
  c: Context<AppEnv>,
  token: string,
): Promise<VerifyResult> => (await signer(c)).verify(token, KIND, c.get('deps').clock())
