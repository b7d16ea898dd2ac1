/**
 * Whether the body size limit guards a route of this method: every method but GET (and HEAD,
 * which is answered by GET's handler). The gateway asks a GET nothing about its body, since
 * no GET reads one; a DELETE reads none either, but what it is sent is still bounded, so a
 * DELETE with a body over the limit is the 413, before its credentials are checked. The
 * routes and their OpenAPI description both read this.
 *
 * @example
 * carriesBody('DELETE') // true
 * carriesBody('GET') // false
 */
export const carriesBody = (method: string): boolean => method !== 'GET' && method !== 'HEAD'
