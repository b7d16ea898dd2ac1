import type { CodeSender, Logger } from '../app/types.ts'
import type { CodeSenderConfig } from '../config/code-sender.ts'
import { codeSenderFor } from './code-sender.ts'

/**
 * The sender a configuration names, saying how long one delivery takes at most (`maxMs`): the
 * webhook's timeout, or nothing for the log. A send holds its address for no longer than that
 * and a margin (`POLICY`), so a process that dies mid-send leaves the address free soon after.
 *
 * @example
 * timedCodeSenderFor({ kind: 'webhook', url, secret, timeoutMs: 5000 }, logger).maxMs // 5000
 * timedCodeSenderFor({ kind: 'log' }, logger).maxMs // 0
 */
export const timedCodeSenderFor = (config: CodeSenderConfig, logger: Logger): CodeSender => {
  const sender = codeSenderFor(config, logger)
  return {
    send: (email, code) => sender.send(email, code),
    maxMs: sender.maxMs ?? (config.kind === 'webhook' ? config.timeoutMs : 0),
  }
}
