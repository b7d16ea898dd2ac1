import type { Context } from 'hono'
import * as v from 'valibot'
import type { AppEnv } from '../app/types.ts'
import { brokenOff, enforceBodyLimit } from './body-limit.ts'
import { bodyParameters, bodyParsers, declaredEncodings } from '../formats/body-parsers.ts'
import { BodySyntaxError } from '../formats/types.ts'
import { isUtf8 } from '../formats/xml-declaration.ts'
import { ProblemError } from '../problems/problem-error.ts'
import { foreignByteOrderMark } from './byte-order-mark.ts'
import { invalidUtf8At } from './invalid-utf8.ts'
import { issueMessage, issuePointer } from './issues.ts'

const unsupported = (detail: string, headers: Record<string, string> = {}) =>
  new ProblemError('unsupportedMediaType', detail, {
    details: { accepted: Object.keys(bodyParsers) },
    headers,
  })

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * The content codings a request names beyond `identity` (RFC 9110 §8.4): the gateway decodes
 * none, so such a body is refused (RFC 7694: 415 with `Accept-Encoding`) rather than parsed as
 * if it were plain.
 */
const codingsOf = (header: string | undefined): string[] =>
  (header ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')

/** The first value of a lower-cased Content-Type parameter, quotes removed. */
const parameter = (params: readonly string[], name: string): string | undefined => {
  const values = new Set(
    params
      .filter((p) => p.startsWith(`${name}=`))
      .map((p) => p.slice(name.length + 1).replaceAll('"', '')),
  )
  // Readers would differ on which of two values counts (a proxy may take the last).
  if (values.size > 1)
    throw unsupported(`The Content-Type names ${name} twice (${[...values].join(', ')}); send one.`)
  return values.values().next().value
}

/** Turns failed validation into the 1000 problem with one `{pointer, message}` per issue. */
export const validationProblem = (issues: readonly v.BaseIssue<unknown>[]): ProblemError =>
  new ProblemError('validation', 'Validation failed. See details.errors.', {
    details: {
      errors: issues.map((issue) => ({
        pointer: issuePointer(issue),
        message: issueMessage(issue),
      })),
    },
  })

const isBlank = (bytes: Uint8Array): boolean =>
  bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)

export interface ReadBodyOptions {
  /**
   * An empty body (or one of white space alone) stands for `{}` (every member optional)
   * instead of "Missing payload".
   */
  allowEmpty?: boolean
  /** Member names match the schema's in any letter case (`ParseOptions.ignoreCase`). */
  ignoreCase?: boolean
  /** Applies the body size limit here (`Endpoint.limitsBody`): a larger body is the 413. */
  limit?: boolean
}

/**
 * Reads the request body in any accepted Content-Type, shapes and coerces it by the schema,
 * then validates it. Every failure is a 4xx problem; nothing is stored before this returns.
 *
 * @example
 * const input = await readBody(c, CreateAmazonUser)
 */
export const readBody = async <TSchema extends v.GenericSchema>(
  c: Context<AppEnv>,
  schema: TSchema,
  options: ReadBodyOptions = {},
): Promise<v.InferOutput<TSchema>> => {
  if (options.limit) await enforceBodyLimit(c)
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await c.req.arrayBuffer())
  } catch {
    throw brokenOff()
  }
  let raw: unknown = {}
  // White space alone holds no more than nothing does, in any format: one answer for both.
  if (isBlank(bytes)) {
    // The seed's detail, and an error at the whole document: a client reading
    // details.errors[] of every validation problem finds one here too.
    if (!options.allowEmpty)
      throw new ProblemError('validation', 'Validation failed. Missing payload.', {
        details: { errors: [{ pointer: '', message: 'is required: the body is empty' }] },
      })
  } else {
    const codings = codingsOf(c.req.header('Content-Encoding'))
    if (codings.length > 0) {
      throw unsupported(
        `Content-Encoding "${codings.join(', ')}" cannot be read; send the body unencoded.`,
        { 'Accept-Encoding': 'identity' },
      )
    }
    const contentType = c.req.header('Content-Type')
    if (!contentType) throw unsupported('A request body needs a Content-Type header.')
    const [essence = '', ...params] = contentType.split(';').map((s) => s.trim().toLowerCase())
    const parser = bodyParsers[essence]
    if (!parser) throw unsupported(`Content-Type "${essence}" cannot be read.`)
    const charset = parameter(params, 'charset')
    if (charset && !isUtf8(charset)) {
      throw unsupported(`Only UTF-8 bodies are accepted, not charset "${charset}".`)
    }
    for (const [name, value] of Object.entries(bodyParameters[essence] ?? {})) {
      const given = parameter(params, name)
      if (given !== undefined && given !== value)
        throw unsupported(
          `A ${essence} body is read with ${name}=${value}: send that or no ${name} parameter, ` +
            `not ${name}="${given}".`,
        )
    }
    const mark = foreignByteOrderMark(bytes)
    if (mark) {
      throw unsupported(
        `Only UTF-8 bodies are accepted; this one starts with a ${mark} byte order mark.`,
      )
    }
    // A body that names its own encoding (XML's declaration) is read by it; with a charset
    // parameter too, the two must agree, or readers would differ.
    const declaration = declaredEncodings[essence]
    const declared = declaration?.of(bytes)
    if (declared !== undefined && !isUtf8(declared)) {
      const named = `encoding "${declared}" (named by ${declaration!.by})`
      throw unsupported(
        charset
          ? `The Content-Type says charset "${charset}" but the body says ${named}; send UTF-8.`
          : `Only UTF-8 bodies are accepted, not ${named}.`,
      )
    }
    let text: string
    try {
      text = decoder.decode(bytes)
    } catch {
      const message = `byte ${invalidUtf8At(bytes)} (counting from 0) begins a sequence that is not UTF-8`
      throw new ProblemError('malformedBody', `The body is not valid UTF-8: ${message}.`, {
        details: { errors: [{ pointer: '', message }] },
      })
    }
    try {
      raw = parser(text, schema, {
        maxDepth: c.get('limits').maxDepth,
        maxNodes: c.get('limits').maxNodes,
        ignoreCase: options.ignoreCase ?? false,
      })
    } catch (error) {
      if (!(error instanceof BodySyntaxError)) throw error
      throw new ProblemError(
        'malformedBody',
        `The ${essence} body could not be read: ${error.message}`,
        {
          details: { errors: [{ pointer: error.pointer, message: error.message }] },
        },
      )
    }
  }
  const result = v.safeParse(schema, raw)
  if (!result.success) throw validationProblem(result.issues)
  return result.output
}
