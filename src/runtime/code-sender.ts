import type { CodeSender, Logger } from '../app/types.ts'

/**
 * The default confirmation-code sender: it writes the code to the log, which is how a
 * developer reads it locally. Production replaces it with an email/SMS sender.
 *
 * @example
 * await logSender(logger).send('a@example.com', '123456') // logs "confirmation code for a@example.com: 123456"
 */
export const logSender = (logger: Logger): CodeSender => ({
  send: async (email, code) => {
    logger.info(`confirmation code for ${email}: ${code}`)
  },
})
