import { fromBase64Url, toBase64Url, utf8 } from './encoding.ts'

const VERSION = 'v1'

/**
 * AES-256-GCM for secrets at rest (WebCrypto, so identical on Node and Workers). Each value
 * gets a fresh 96-bit IV; the associated data binds a ciphertext to its row and column, so a
 * ciphertext copied into another row does not decrypt.
 *
 * @example
 * const box = await aesGcm(keyBytes)
 * const stored = await box.seal('token', 'alexa_users/42/access_token')
 * await box.open(stored, 'alexa_users/42/access_token') // 'token'
 */
export const aesGcm = async (key: Uint8Array<ArrayBuffer>) => {
  if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes')
  const cryptoKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ])
  return {
    async seal(plaintext: string, context: string): Promise<string> {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const params = { name: 'AES-GCM', iv, additionalData: utf8(context) }
      const sealed = await crypto.subtle.encrypt(params, cryptoKey, utf8(plaintext))
      return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`
    },
    async open(stored: string, context: string): Promise<string> {
      const [version, iv, data] = stored.split('.')
      if (version !== VERSION || !iv || !data) throw new Error('unknown ciphertext format')
      const params = { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: utf8(context) }
      const plain = await crypto.subtle.decrypt(params, cryptoKey, fromBase64Url(data))
      return new TextDecoder().decode(plain)
    },
  }
}

export type AesGcm = Awaited<ReturnType<typeof aesGcm>>
