import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { checkSignatureLayer, verifySignatureBytes, type VerificationKey } from '../../../electron/operations/signature-verify'
import { parseSimpleSigningPayload } from '../../../electron/operations/signature-payload'
import { parsePublicKey } from '../../../electron/trust/public-key'
import { imageSignatureStatus, type SignatureCheck } from '../../../shared/signatures'

const subject = `sha256:${'ab'.repeat(32)}`
const other = `sha256:${'cd'.repeat(32)}`

function payloadFor(digest: string, extra = ''): Buffer {
  const critical = [
    '"identity":{"docker-reference":"registry.example/acme/app"}',
    `"image":{"docker-manifest-digest":"${digest}"}`,
    '"type":"cosign container image signature"',
  ]
  return Buffer.from(`{"critical":{${critical.join(',')}},"optional":null${extra}}`)
}

function keyOf(name: string, publicKey: KeyObject): VerificationKey {
  const parsed = parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString())
  return { name, fingerprint: parsed.fingerprint, algorithm: parsed.algorithm, key: parsed.key }
}

function layerCheck(
  payload: Uint8Array | { error: string },
  signature: string,
  keys: VerificationKey[],
  annotations: Record<string, string> = {},
): SignatureCheck {
  const size = payload instanceof Uint8Array ? payload.byteLength : 10
  return checkSignatureLayer({
    source: 'cosign-tag',
    manifestDigest: `sha256:${'11'.repeat(32)}`,
    layer: {
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      digest: `sha256:${'22'.repeat(32)}`,
      size,
      annotations: { 'dev.cosignproject.cosign/signature': signature, ...annotations },
    },
    payload,
    subjectDigest: subject,
    keys,
  })
}

const kinds = {
  'ECDSA P-256': () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'RSA 2048': () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  Ed25519: () => generateKeyPairSync('ed25519'),
}

/** What cosign does for each kind: SHA-256 (ECDSA DER, RSA PKCS#1 v1.5), pure Ed25519. */
function cosignSign(privateKey: KeyObject, payload: Buffer): string {
  return sign(privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', payload, privateKey).toString('base64')
}

describe('a cosign signature with a key of each kind', () => {
  for (const [kind, generate] of Object.entries(kinds)) {
    it(`${kind}: verifies over the exact payload, and names the key`, () => {
      const { privateKey, publicKey } = generate()
      const payload = payloadFor(subject)
      const key = keyOf('release', publicKey)
      const check = layerCheck(payload, cosignSign(privateKey, payload), [key])
      expect(check).toMatchObject({
        status: 'verified',
        reason: null,
        key: { name: 'release', fingerprint: key.fingerprint },
        signedDigest: subject,
      })
    })

    it(`${kind}: fails when one byte of the payload changed after signing`, () => {
      const { privateKey, publicKey } = generate()
      const payload = payloadFor(subject)
      const signature = cosignSign(privateKey, payload)
      const check = layerCheck(payloadFor(subject, ' '), signature, [keyOf('release', publicKey)])
      expect(check.status).toBe('failed')
      expect(check.reason).toMatch(/^bad signature/)
      expect(check.key).toBeNull()
    })

    it(`${kind}: fails with another key of the same kind`, () => {
      const { privateKey } = generate()
      const payload = payloadFor(subject)
      const check = layerCheck(payload, cosignSign(privateKey, payload), [keyOf('someone else', generate().publicKey)])
      expect(check).toMatchObject({ status: 'failed' })
      expect(check.reason).toContain('someone else')
    })

    it(`${kind}: a valid signature over a payload naming another image "signed another image"`, () => {
      const { privateKey, publicKey } = generate()
      const payload = payloadFor(other)
      const check = layerCheck(payload, cosignSign(privateKey, payload), [keyOf('release', publicKey)])
      expect(check).toMatchObject({
        status: 'failed',
        reason: `signed another image (${other})`,
        key: { name: 'release' },
        signedDigest: other,
      })
    })
  }

  it('RSA: PSS signatures verify too (salt length read from the signature)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const payload = payloadFor(subject)
    for (const saltLength of [32, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
      const signature = sign('sha256', payload, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }).toString(
        'base64',
      )
      expect(layerCheck(payload, signature, [keyOf('pss', publicKey)]).status).toBe('verified')
    }
  })

  it('says "key type mismatch" when no key could have made a signature of that shape', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const payload = payloadFor(subject)
    const check = layerCheck(payload, cosignSign(rsa.privateKey, payload), [keyOf('ed', generateKeyPairSync('ed25519').publicKey)])
    expect(check).toMatchObject({ status: 'failed', reason: 'key type mismatch: this is not a signature a ed25519 key makes' })
    const ed = generateKeyPairSync('ed25519')
    expect(verifySignatureBytes(keyOf('rsa', rsa.publicKey), payload, Buffer.from(cosignSign(ed.privateKey, payload), 'base64'))).toBe(
      'type-mismatch',
    )
  })

  it('tries every key: one of several verifying is enough', () => {
    const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const payload = payloadFor(subject)
    const keys = [keyOf('old', generateKeyPairSync('ed25519').publicKey), keyOf('current', signer.publicKey)]
    expect(layerCheck(payload, cosignSign(signer.privateKey, payload), keys)).toMatchObject({
      status: 'verified',
      key: { name: 'current' },
    })
  })
})

describe('fixed vectors in cosign format (the lab keys; both also verified with openssl)', () => {
  // Exactly what the lab writes (test/lab/fixtures-signed.ts simpleSigningPayload) for this digest.
  const payload = payloadFor(`sha256:${'ab'.repeat(32)}`)
  const ed25519 = parsePublicKey(
    '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA4nfXUCzm+dFvP7LGfAnwH64VXgtNVDfXXUlU73w/7mM=\n-----END PUBLIC KEY-----\n',
  )
  const p256 = parsePublicKey(
    [
      '-----BEGIN PUBLIC KEY-----',
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEX7cjpeI4iYQuE2+B51uurDE6iPbW',
      'mbGaYW//Gp6bSa0N19Nn7bHjaHUdRmv8cUwWRXU0NVeKgSdR24+owHh1Tw==',
      '-----END PUBLIC KEY-----',
    ].join('\n'),
  )
  const edSignature = 'OPX2M2PpMCLTG3n7uUcejhIvlvP0RFraCT3n2BZNSH73odZTvyJ5lDHkZY34vYKtxcxrSHPwYsKHwRGSV0jjDw=='
  const ecSignature = 'MEUCIQDiJYvq4F26aBaHItLbVTGYXpUPGTl9+FaW1E0axHqCTwIgYj5AU7Lx6cAngEYioGG5El/ZuTMvhi+LF5XNj1ea3gw='
  const asKey = (name: string, parsed: typeof p256): VerificationKey => ({ name, ...parsed })

  it('verify with their own key', () => {
    expect(layerCheck(payload, edSignature, [asKey('b', ed25519)]).status).toBe('verified')
    expect(layerCheck(payload, ecSignature, [asKey('a', p256)]).status).toBe('verified')
  })

  it('do not verify with each other’s key, nor after one flipped bit', () => {
    expect(layerCheck(payload, edSignature, [asKey('a', p256)]).reason).toMatch(/^(key type mismatch|bad signature)/)
    expect(layerCheck(payload, ecSignature, [asKey('b', ed25519)]).status).toBe('failed')
    const flipped = Buffer.from(ecSignature, 'base64')
    flipped[20] = (flipped[20] ?? 0) ^ 1
    expect(layerCheck(payload, flipped.toString('base64'), [asKey('a', p256)]).reason).toMatch(/^bad signature/)
  })

  it('give the same fingerprint for the same key, whatever surrounds the PEM', () => {
    const again = parsePublicKey(`cosign.pub:\n\n${p256.pem}\ntrailing text`)
    expect(again.fingerprint).toBe(p256.fingerprint)
    expect(p256.fingerprint).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('what is not a verified signature', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const key = keyOf('release', publicKey)
  const payload = payloadFor(subject)
  const signature = cosignSign(privateKey, payload)

  it('keyless: a certificate annotation and no key of the user’s that verifies it', () => {
    const keyless = { 'dev.sigstore.cosign/certificate': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }
    expect(layerCheck(payload, signature, [], keyless).status).toBe('keyless')
    const withOtherKey = layerCheck(payload, signature, [keyOf('other', generateKeyPairSync('ed25519').publicKey)], keyless)
    expect(withOtherKey.status).toBe('keyless')
    expect(withOtherKey.reason).toContain('not verified here')
    expect(layerCheck(payload, signature, [], { 'dev.sigstore.cosign/bundle': '{}' }).status).toBe('keyless')
    // Only the user's own key can make it verified; the embedded certificate never does.
    expect(layerCheck(payload, signature, [key], keyless).status).toBe('verified')
  })

  it('no key configured: "no-key", never verified', () => {
    expect(layerCheck(payload, signature, [])).toMatchObject({ status: 'no-key', key: null })
  })

  it('a payload naming another image fails even without a key', () => {
    expect(layerCheck(payloadFor(other), signature, [])).toMatchObject({ status: 'failed', reason: `signed another image (${other})` })
  })

  it('a payload that could not be fetched intact fails with why', () => {
    expect(layerCheck({ error: 'the payload does not match its digest (altered)' }, signature, [key])).toMatchObject({
      status: 'failed',
      reason: 'the payload does not match its digest (altered)',
    })
  })

  it('a missing or malformed signature annotation fails', () => {
    expect(layerCheck(payload, 'not base64!', [key]).reason).toBe('the signature annotation is not base64')
    const check = checkSignatureLayer({
      source: 'referrer',
      manifestDigest: subject,
      layer: { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: other, size: payload.byteLength },
      payload,
      subjectDigest: subject,
      keys: [key],
    })
    expect(check.reason).toBe('no dev.cosignproject.cosign/signature annotation on the payload layer')
  })

  it('a payload whose length differs from its descriptor fails', () => {
    const check = checkSignatureLayer({
      source: 'cosign-tag',
      manifestDigest: subject,
      layer: {
        mediaType: 'x',
        digest: other,
        size: payload.byteLength + 1,
        annotations: { 'dev.cosignproject.cosign/signature': signature },
      },
      payload,
      subjectDigest: subject,
      keys: [key],
    })
    expect(check.reason).toContain('its descriptor says')
  })
})

describe('the simple-signing payload', () => {
  const critical = (image: string, type = 'cosign container image signature') =>
    Buffer.from(`{"critical":{"identity":{"docker-reference":"r/a"},"image":${image},"type":"${type}"}}`)

  it('reads the digest and identity', () => {
    expect(parseSimpleSigningPayload(critical(`{"docker-manifest-digest":"${subject}"}`))).toEqual({
      ok: true,
      claims: { digest: subject, identity: 'r/a' },
    })
  })

  it('accepts the digest key in any case, as cosign (Go encoding/json) does, but not twice', () => {
    expect(parseSimpleSigningPayload(critical(`{"Docker-manifest-digest":"${subject}"}`)).ok).toBe(true)
    const twice = parseSimpleSigningPayload(critical(`{"docker-manifest-digest":"${subject}","Docker-Manifest-Digest":"${other}"}`))
    expect(twice).toEqual({ ok: false, reason: 'payload malformed: docker-manifest-digest is given 2 times' })
  })

  it.each([
    ['not JSON', Buffer.from('{"critical":'), /not JSON/],
    ['another type', critical(`{"docker-manifest-digest":"${subject}"}`, 'atomic container signature'), /critical.type is "atomic/],
    ['no digest', critical('{}'), /no docker-manifest-digest/],
    ['a digest that is not one', critical('{"docker-manifest-digest":"sha256:xyz"}'), /is not a digest/],
    ['no critical section', Buffer.from('{"optional":{}}'), /payload malformed/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /not JSON/],
    ['too large', Buffer.alloc(70_000, 0x20), /at most/],
  ])('refuses %s', (_name, bytes, reason) => {
    const result = parseSimpleSigningPayload(bytes)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toMatch(reason)
  })
})

describe('the image status', () => {
  const check = (status: SignatureCheck['status']): SignatureCheck => ({
    status,
    reason: null,
    source: 'cosign-tag',
    manifestDigest: subject,
    payloadDigest: subject,
    key: null,
    signedDigest: null,
    identity: null,
  })

  it('is verified if any signature verifies, else failed, signed without a key, keyless, unsigned', () => {
    expect(imageSignatureStatus([check('failed'), check('verified')])).toBe('verified')
    expect(imageSignatureStatus([check('keyless'), check('failed')])).toBe('failed')
    expect(imageSignatureStatus([check('keyless'), check('no-key')])).toBe('signed-no-key')
    expect(imageSignatureStatus([check('keyless')])).toBe('keyless')
    expect(imageSignatureStatus([])).toBe('unsigned')
  })
})
