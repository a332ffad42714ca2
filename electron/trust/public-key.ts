// Public keys for signature verification: PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", what
// `cosign generate-key-pair` writes as cosign.pub), read with node:crypto only. Only the schemes
// cosign signs with are accepted (sigstore pkg/signature LoadVerifier: ECDSA P-256 with SHA-256,
// RSA with SHA-256, Ed25519), so a key that could never verify a cosign signature is refused when
// it is added, with the reason, instead of failing every verification later.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { BerthError } from '../../shared/errors'
import type { SignatureKeyAlgorithm } from '../../shared/signatures'

export interface ParsedPublicKey {
  key: KeyObject
  algorithm: SignatureKeyAlgorithm
  /** SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex. */
  fingerprint: string
  /** The key re-encoded as one canonical PEM block (whatever surrounded it is dropped). */
  pem: string
}

/** A PEM file is small; anything past this is not one public key. */
export const maxPublicKeyPemBytes = 64 * 1024

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g

export function parsePublicKey(text: string): ParsedPublicKey {
  if (text.length > maxPublicKeyPemBytes) {
    throw invalidKey(`The key text is ${text.length} bytes: a PEM public key is a few hundred.`)
  }
  const blocks = [...text.matchAll(pemBlock)]
  if (blocks.length === 0) throw invalidKey('No PEM block ("-----BEGIN PUBLIC KEY-----") was found.')
  const kinds = blocks.map((block) => block[1] ?? '')
  if (kinds.some((kind) => kind.includes('PRIVATE'))) {
    // Never echo the text back: it holds a private key.
    throw invalidKey('This is a private key. Give the public one (cosign.pub, or `openssl pkey -pubout`).')
  }
  if (blocks.length > 1) throw invalidKey(`Found ${blocks.length} PEM blocks; give one public key per file.`)
  if (kinds[0] === 'CERTIFICATE') {
    throw invalidKey('This is a certificate. Give its public key (`openssl x509 -pubkey -noout`).')
  }
  if (kinds[0] !== 'PUBLIC KEY') throw invalidKey(`"${kinds[0] ?? ''}" is not a public key block; expected "BEGIN PUBLIC KEY".`)
  let key: KeyObject
  try {
    key = createPublicKey({ key: blocks[0]?.[0] ?? '', format: 'pem' })
  } catch (error) {
    throw invalidKey(`The PEM block is not a valid public key (${(error as Error).message}).`)
  }
  const algorithm = algorithmOf(key)
  const der = key.export({ format: 'der', type: 'spki' })
  const pem = key.export({ format: 'pem', type: 'spki' }).toString()
  return { key, algorithm, fingerprint: createHash('sha256').update(der).digest('hex'), pem }
}

function algorithmOf(key: KeyObject): SignatureKeyAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve
      if (curve !== 'prime256v1') {
        throw invalidKey(`An ECDSA key on ${curve ?? 'an unknown curve'}: cosign verifies ECDSA on P-256 only.`)
      }
      return 'ecdsa-p256'
    }
    case 'rsa':
    case 'rsa-pss': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
      if (bits < 2048) throw invalidKey(`An RSA key of ${bits} bits: at least 2048 are required.`)
      return 'rsa'
    }
    case 'ed25519':
      return 'ed25519'
    default:
      throw invalidKey(`A ${key.asymmetricKeyType ?? 'unknown'} key: use ECDSA P-256, RSA or Ed25519.`)
  }
}

function invalidKey(message: string): BerthError {
  return new BerthError({ code: 'invalid_input', message, fix: 'Give a PEM public key: ECDSA P-256, RSA (2048 bits or more) or Ed25519.' })
}
