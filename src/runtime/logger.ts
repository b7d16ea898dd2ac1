import type { Logger } from '../app/types.ts'

/**
 * JSON-lines logger (one object per line, as Workers Logs and most collectors expect).
 *
 * @example
 * jsonLogger().info('listening', { port: 8787 })
 */
export const jsonLogger = (write: (line: string) => void = (l) => console.log(l)): Logger => {
  const log =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      write(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }))
  return { info: log('info'), warn: log('warn'), error: log('error') }
}
