import type { Context } from 'hono'
import type { AppEnv } from '../../app/types.ts'
import { pathSegment } from '../../helper/path-segment.ts'

const COLLECTION = '/external/alexa/users'

/**
 * The collection path under the prefix this request came in on (`/v2.0` or the seed's
 * `/new/v2.0`), so links and `Location` stay on the caller's base path.
 */
export const usersPath = (c: Context<AppEnv>): string => {
  const path = c.get('path')
  return path.slice(0, path.indexOf(COLLECTION) + COLLECTION.length)
}

export const userPath = (c: Context<AppEnv>, id: string): string =>
  `${usersPath(c)}/${pathSegment(id)}`
