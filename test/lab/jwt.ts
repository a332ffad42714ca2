import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto'

export interface TokenAccess {
  type: string
  name: string
  actions: string[]
}

export interface TokenClaims {
  iss: string
  sub: string
  /** A single string: distribution 2.8's ClaimSet.Audience is a Go `string`, an array fails to decode. */
  aud: string
  exp: number
  nbf: number
  iat: number
  jti: string
  access: TokenAccess[]
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function base32(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31]
  return out
}

/**
 * The key id distribution 2.8 looks up in its trusted-key map, built from the `rootcertbundle`
 * certificates with docker/libtrust: SHA-256 of the PKIX DER public key, first 240 bits, base32
 * without padding, in groups of four joined by ':' (libtrust util.go keyIDFromCryptoKey).
 * distribution 2.8 registry/auth/token/token.go accepts `x5c`, `jwk` or this `kid`.
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  const digest = createHash('sha256').update(der).digest().subarray(0, 30)
  const encoded = base32(digest)
  return encoded.match(/.{1,4}/g)?.join(':') ?? encoded
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url')
}

export interface TokenSigner {
  keyId: string
  sign(claims: TokenClaims): string
}

export function createTokenSigner(privateKeyPem: string): TokenSigner {
  const privateKey = createPrivateKey(privateKeyPem)
  const keyId = libtrustKeyId(createPublicKey(privateKey))
  return {
    keyId,
    sign(claims) {
      const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: keyId }))
      const payload = base64url(JSON.stringify(claims))
      const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey)
      return `${header}.${payload}.${base64url(signature)}`
    },
  }
}

export function newTokenId(): string {
  return randomBytes(12).toString('hex')
}
