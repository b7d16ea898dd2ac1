/** Whether the gateway runs as a deployment or on a developer's machine. */
export type Environment = 'production' | 'development'

/**
 * NODE_ENV, read the same way on Node and on Workers: in any letter case, blank as unset.
 * `development` is the one value that allows generated secrets and confirmation codes in the
 * log; `production` never does. Unset, a runtime chooses (Node: development, for `npm start`;
 * a Worker: production, what a deployment is). Any other value is undefined: Node refuses to
 * start on it, a Worker serves as production, since all that is not `development` is
 * production there — neither ever runs a misspelt production as development.
 *
 * @example
 * parseEnvironment('Production', 'development') // 'production'
 * parseEnvironment(undefined, 'development') // 'development'
 * parseEnvironment('prod', 'development') // undefined
 */
export const parseEnvironment = (value: unknown, unset: Environment): Environment | undefined => {
  if (value === undefined || value === null) return unset
  if (typeof value !== 'string') return undefined
  const name = value.trim().toLowerCase()
  if (name === '') return unset
  return name === 'production' || name === 'development' ? name : undefined
}
