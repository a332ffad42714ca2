import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BerthError } from '../../../shared/errors'
import {
  artifactTypeOf,
  isAttestationDescriptor,
  maxManifestBytes,
  parseImageConfig,
  parseManifest,
} from '../../../electron/operations/manifest'
import type { Descriptor, ParsedManifest } from '../../../electron/operations/manifest'
import {
  dockerManifest,
  dockerManifestList,
  dockerSchema1,
  dockerSchema1Signed,
  helmConfig,
  ociEmptyConfig,
  ociIndex,
  ociManifest,
} from '../../../electron/http/media-types'

const d = (c: string): string => `sha256:${c.repeat(64)}`
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value))

const ociImage = {
  schemaVersion: 2,
  mediaType: ociManifest,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('a'), size: 1469 },
  layers: [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 3_000_000, urls: ['https://x'] },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('c'), size: 1000 },
  ],
  annotations: { 'org.opencontainers.image.created': '2024-05-01T10:00:00Z' },
  extraFieldFromSomeTool: true,
}

const buildxIndex = {
  schemaVersion: 2,
  mediaType: ociIndex,
  manifests: [
    { mediaType: ociManifest, digest: d('1'), size: 1000, platform: { architecture: 'amd64', os: 'linux', 'os.features': ['x'] } },
    { mediaType: ociManifest, digest: d('2'), size: 1000, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    {
      mediaType: ociManifest,
      digest: d('3'),
      size: 566,
      annotations: { 'vnd.docker.reference.digest': d('1'), 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
  ],
}

describe('parseManifest', () => {
  it('parses an OCI image manifest and tolerates extra fields', () => {
    const m = parseManifest(bytes(ociImage), ociManifest)
    expect(m).toEqual({
      kind: 'image',
      mediaType: ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('a'), size: 1469 },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 3_000_000 },
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('c'), size: 1000 },
      ],
      annotations: { 'org.opencontainers.image.created': '2024-05-01T10:00:00Z' },
      artifactType: null,
      subject: null,
    } satisfies ParsedManifest)
  })

  it('parses a Docker v2 manifest', () => {
    const m = parseManifest(bytes({ ...ociImage, mediaType: dockerManifest, annotations: undefined }))
    expect(m.kind).toBe('image')
    expect(m.mediaType).toBe(dockerManifest)
    if (m.kind === 'image') expect(m.annotations).toEqual({})
  })

  it('parses a buildx index with platforms and an attestation manifest', () => {
    const m = parseManifest(bytes(buildxIndex))
    expect(m.kind).toBe('index')
    if (m.kind !== 'index') return
    expect(m.manifests.map((x) => x.platform)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'unknown', architecture: 'unknown' },
    ])
    expect(m.manifests.map(isAttestationDescriptor)).toEqual([false, false, true])
  })

  it('parses a Docker manifest list', () => {
    const m = parseManifest(bytes({ ...buildxIndex, mediaType: dockerManifestList, manifests: buildxIndex.manifests.slice(0, 2) }))
    expect(m.kind).toBe('index')
    expect(m.mediaType).toBe(dockerManifestList)
  })

  it.each([
    { name: 'the body mediaType', body: ociImage, contentType: 'application/json', expected: ociManifest },
    {
      name: 'the Content-Type when the body has none',
      body: { ...ociImage, mediaType: undefined },
      contentType: `${dockerManifest}; charset=utf-8`,
      expected: dockerManifest,
    },
    {
      name: 'the shape of an image when neither says',
      body: { ...ociImage, mediaType: undefined },
      contentType: 'application/json',
      expected: ociManifest,
    },
    {
      name: 'the shape of an index when neither says',
      body: { ...buildxIndex, mediaType: undefined },
      contentType: null,
      expected: ociIndex,
    },
    {
      name: 'the shape when the body type is unknown',
      body: { ...ociImage, mediaType: 'application/x-custom' },
      contentType: null,
      expected: 'application/x-custom',
    },
  ])('takes the media type from $name', ({ body, contentType, expected }) => {
    expect(parseManifest(bytes(body), contentType).mediaType).toBe(expected)
  })

  it.each([
    {
      name: 'signed',
      body: { schemaVersion: 1, name: 'library/x', tag: 'old', fsLayers: [], history: [], signatures: [{}] },
      expected: dockerSchema1Signed,
    },
    { name: 'unsigned', body: { schemaVersion: 1, name: 'library/x', tag: 'old', fsLayers: [], history: [] }, expected: dockerSchema1 },
  ])('recognises a $name schema1 manifest', ({ body, expected }) => {
    expect(parseManifest(bytes(body))).toEqual({ kind: 'schema1', mediaType: expected, name: 'library/x', tag: 'old' })
  })

  it('reads artifactType and subject of an OCI 1.1 artifact', () => {
    const m = parseManifest(
      bytes({
        schemaVersion: 2,
        mediaType: ociManifest,
        artifactType: 'application/vnd.example.sbom',
        config: { mediaType: ociEmptyConfig, digest: d('4'), size: 2 },
        layers: [{ mediaType: 'application/spdx+json', digest: d('5'), size: 10 }],
        subject: { mediaType: ociManifest, digest: d('1'), size: 1000 },
      }),
    )
    expect(artifactTypeOf(m)).toBe('application/vnd.example.sbom')
    expect(m.kind === 'image' && m.subject?.digest).toBe(d('1'))
  })

  it('uses a non-image config media type as the artifact type (Helm)', () => {
    const m = parseManifest(bytes({ ...ociImage, config: { mediaType: helmConfig, digest: d('6'), size: 100 } }))
    expect(artifactTypeOf(m)).toBe(helmConfig)
  })

  it('says an image is not an artifact', () => {
    expect(artifactTypeOf(parseManifest(bytes(ociImage)))).toBeNull()
    expect(artifactTypeOf(parseManifest(bytes(buildxIndex)))).toBeNull()
  })

  it.each([
    { name: 'non-JSON', input: bytes('<html>502 Bad Gateway</html>'), message: /not JSON/ },
    { name: 'a JSON array', input: bytes([1, 2]), message: /not a JSON object/ },
    { name: 'invalid UTF-8', input: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), message: /not UTF-8/ },
    {
      name: 'a bad layer digest',
      input: bytes({ ...ociImage, layers: [{ mediaType: 'x', digest: 'sha256:XYZ', size: 1 }] }),
      message: /layers\[0\]\.digest: "sha256:XYZ" is not a valid digest/,
    },
    {
      name: 'an upper-case digest',
      input: bytes({ ...ociImage, config: { ...ociImage.config, digest: d('A') } }),
      message: /config\.digest/,
    },
    {
      name: 'a negative size',
      input: bytes({ ...ociImage, config: { ...ociImage.config, size: -1 } }),
      message: /config\.size: size must not be negative/,
    },
    { name: 'a fractional size', input: bytes({ ...ociImage, config: { ...ociImage.config, size: 1.5 } }), message: /config\.size/ },
    { name: 'a missing config', input: bytes({ mediaType: ociManifest, layers: [] }), message: /config/ },
    { name: 'an index without manifests', input: bytes({ mediaType: ociIndex }), message: /image index: manifests/ },
    { name: 'a wrong schemaVersion', input: bytes({ ...ociImage, schemaVersion: 3 }), message: /schemaVersion must be 2/ },
    { name: 'string annotations only', input: bytes({ ...ociImage, annotations: { a: 1 } }), message: /annotations/ },
    {
      name: 'an unknown shape',
      input: bytes({ mediaType: 'application/x-thing', hello: 1 }),
      message: /unsupported media type "application\/x-thing"/,
    },
    { name: 'an empty object', input: bytes({}), message: /neither an image manifest nor an index/ },
  ])('rejects $name with a precise invalid_response', ({ input, message }) => {
    let caught: unknown
    try {
      parseManifest(input)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(BerthError)
    expect((caught as BerthError).code).toBe('invalid_response')
    expect((caught as BerthError).message).toMatch(message)
  })

  it('refuses manifests over 4 MiB before decoding them', () => {
    expect(() => parseManifest(new Uint8Array(maxManifestBytes + 1))).toThrow(/limit/)
  })

  it('throws nothing but BerthError on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string().map((s) => bytes(s)),
          fc.json().map((j) => bytes(j)),
          fc.uint8Array({ maxLength: 64 }),
        ),
        fc.option(fc.string()),
        (input, contentType) => {
          try {
            parseManifest(input, contentType)
          } catch (error) {
            expect(error).toBeInstanceOf(BerthError)
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('isAttestationDescriptor', () => {
  const base: Descriptor = { mediaType: ociManifest, digest: d('1'), size: 1 }
  it.each([
    [{ ...base, platform: { os: 'unknown', architecture: 'unknown' } }, true],
    [{ ...base, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }, true],
    [{ ...base, platform: { os: 'linux', architecture: 'amd64' } }, false],
    [{ ...base, platform: { os: 'unknown', architecture: 'amd64' } }, false],
    [base, false],
  ])('%j → %s', (descriptor, expected) => {
    expect(isAttestationDescriptor(descriptor)).toBe(expected)
  })
})

describe('parseImageConfig', () => {
  const config = {
    created: '2024-05-01T10:00:00.123456789Z',
    architecture: 'arm64',
    os: 'linux',
    variant: 'v8',
    config: {
      Env: ['PATH=/usr/bin', 'A=b'],
      Entrypoint: ['/docker-entrypoint.sh'],
      Cmd: ['nginx', '-g', 'daemon off;'],
      WorkingDir: '/srv',
      User: '101',
      ExposedPorts: { '80/tcp': {}, '443/tcp': {} },
      Labels: { maintainer: 'someone' },
      StopSignal: 'SIGQUIT',
    },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [
      { created: '2024-05-01T09:00:00Z', created_by: '/bin/sh -c #(nop) ADD file', empty_layer: false },
      { comment: 'buildkit.dockerfile.v0', empty_layer: true },
    ],
  }

  it('extracts what the inspect view shows', () => {
    expect(parseImageConfig(bytes(config))).toEqual({
      created: '2024-05-01T10:00:00.123Z',
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
      env: ['PATH=/usr/bin', 'A=b'],
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['nginx', '-g', 'daemon off;'],
      workingDir: '/srv',
      user: '101',
      exposedPorts: ['80/tcp', '443/tcp'],
      labels: { maintainer: 'someone' },
      history: [
        { created: '2024-05-01T09:00:00.000Z', createdBy: '/bin/sh -c #(nop) ADD file', emptyLayer: false },
        { comment: 'buildkit.dockerfile.v0', emptyLayer: true },
      ],
    })
  })

  it.each([
    ['the Unix epoch (reproducible builds)', '1970-01-01T00:00:00Z', null],
    ["Go's zero time", '0001-01-01T00:00:00Z', null],
    ['garbage', 'yesterday-ish', null],
    ['a number', 1714557600, null],
    ['a time zone offset', '2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z'],
  ])('normalises created given %s', (_name, created, expected) => {
    expect(parseImageConfig(bytes({ ...config, created })).created).toBe(expected)
  })

  it('treats a missing created and Docker nulls as unknown/empty', () => {
    const info = parseImageConfig(
      bytes({ architecture: 'amd64', os: 'linux', config: { Env: null, Cmd: null, Entrypoint: null, Labels: null, ExposedPorts: null } }),
    )
    expect(info).toMatchObject({ created: null, env: [], cmd: null, entrypoint: null, labels: {}, exposedPorts: [], history: [] })
  })

  it('accepts a string Entrypoint as one argument', () => {
    expect(parseImageConfig(bytes({ config: { Entrypoint: '/bin/sh' } })).entrypoint).toEqual(['/bin/sh'])
  })

  it('rejects wrong types precisely', () => {
    expect(() => parseImageConfig(bytes({ config: { Env: 'A=b', Labels: { a: 1 } } }))).toThrow(/image config: config\.Labels\.a/)
  })

  it('throws nothing but BerthError on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json().map((j) => bytes(j)),
          fc.uint8Array({ maxLength: 64 }),
        ),
        (input) => {
          try {
            parseImageConfig(input)
          } catch (error) {
            expect(error).toBeInstanceOf(BerthError)
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})
