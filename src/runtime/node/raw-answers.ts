import type { ServerResponse } from 'node:http'

/** An answer written straight to a response's socket in its place. */
export interface RawAnswer {
  status: number
  traceId: string
}

// Weak: an entry goes with its response.
const answers = new WeakMap<ServerResponse, RawAnswer>()

/**
 * Records that `response` was answered with bytes written to its socket, not through it: the
 * 408 `cutStalledClients` sends while the app still waits for the body, or what
 * `answerRefusedRequests` sends when Node's parser refuses a body the app was reading; the app
 * could answer neither itself. The access log reads it back, so its line gives the status and trace id
 * the client received, not the null of a response that never wrote a head.
 *
 * @example
 * answeredRaw(response, { status: 408, traceId })
 * rawAnswerOf(response) // { status: 408, traceId }
 */
export const answeredRaw = (response: ServerResponse, answer: RawAnswer): void => {
  answers.set(response, answer)
}

/**
 * The answer `answeredRaw` recorded for `response`; undefined when it was answered through
 * itself, or not at all.
 *
 * @example
 * rawAnswerOf(response)?.status // 408
 */
export const rawAnswerOf = (response: ServerResponse): RawAnswer | undefined =>
  answers.get(response)
