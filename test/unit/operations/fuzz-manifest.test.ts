// Structured fuzzing of the manifest, index and image-config parsers: JSON documents shaped like
// the real thing with any field replaced by any JSON value, not only random strings (those are in
// manifest.test.ts). Invariant: a parsed value, or a BerthError.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  artifactTypeOf,
  isAttestationDescriptor,
  normalizeCreated,
  parseImageConfig,
  parseManifest,
} from '../../../electron/operations/manifest'
import { dockerManifest, dockerManifestList, dockerSchema1, ociIndex, ociManifest } from '../../../electron/http/media-types'
import { sha256Digest } from '../../../electron/http/digest'
import { fuzzParameters, fuzzTimeoutMs } from '../../fuzz/settings'
import { onlyBerthErrors } from '../../fuzz/only-berth-errors'

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

/** A field that is usually right and sometimes any JSON at all. */
function mostly<T>(right: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) })
}

const mediaType = fc.oneof(
  fc.constantFrom(
    ociManifest,
    ociIndex,
    dockerManifest,
    dockerManifestList,
    dockerSchema1,
    'application/vnd.oci.image.config.v1+json',
    'application/json',
  ),
  fc.string({ maxLength: 40 }),
)
const digest = fc.oneof(
  fc.uint8Array({ maxLength: 8 }).map((b) => sha256Digest(b)),
  fc.string({ maxLength: 80 }),
)
const annotations = fc.dictionary(fc.string({ maxLength: 12 }), mostly(fc.string({ maxLength: 20 })), { maxKeys: 4 })
const platform = fc.record(
  {
    os: mostly(fc.constantFrom('linux', 'windows', 'unknown')),
    architecture: mostly(fc.constantFrom('amd64', 'arm64', 'unknown')),
    variant: mostly(fc.string({ maxLength: 4 })),
    'os.version': mostly(fc.string({ maxLength: 8 })),
  },
  { requiredKeys: [] },
)
const descriptor = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        mediaType: mostly(mediaType),
        digest: mostly(digest),
        size: mostly(fc.oneof(fc.nat(), fc.integer(), fc.double())),
        annotations: mostly(annotations),
        artifactType: mostly(fc.string({ maxLength: 30 })),
        platform: mostly(platform),
        urls: mostly(fc.array(fc.webUrl(), { maxLength: 2 })),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
)
const manifestDocument = fc.record(
  {
    schemaVersion: mostly(fc.constantFrom(1, 2, 3)),
    mediaType: mostly(mediaType),
    artifactType: mostly(fc.string({ maxLength: 30 })),
    config: mostly(descriptor),
    layers: mostly(fc.array(descriptor, { maxLength: 4 })),
    manifests: mostly(fc.array(descriptor, { maxLength: 4 })),
    subject: mostly(descriptor),
    annotations: mostly(annotations),
    name: mostly(fc.string({ maxLength: 20 })),
    tag: mostly(fc.string({ maxLength: 20 })),
    fsLayers: mostly(fc.array(fc.record({ blobSum: digest }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
)
const contentType = fc.option(
  fc.oneof(
    mediaType,
    mediaType.map((m) => `${m}; charset=utf-8`),
  ),
  { nil: null },
)

describe('the manifest parser on structured hostile documents', () => {
  it(
    'returns a manifest or throws a BerthError for manifest-shaped JSON with any field wrong',
    () => {
      fc.assert(
        fc.property(manifestDocument, contentType, (document, type) => {
          const parsed = onlyBerthErrors(() => parseManifest(encode(document), type))
          if (parsed === undefined) return
          // What the rest of Berth does with a parsed manifest must not throw either.
          onlyBerthErrors(() => artifactTypeOf(parsed))
          const children = parsed.kind === 'index' ? parsed.manifests : parsed.kind === 'image' ? [parsed.config, ...parsed.layers] : []
          for (const child of children) {
            expect(typeof child.digest).toBe('string')
            expect(Number.isSafeInteger(child.size)).toBe(true)
            isAttestationDescriptor(child)
          }
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'returns a manifest or throws a BerthError for any JSON value at all',
    () => {
      fc.assert(
        fc.property(fc.jsonValue(), contentType, (value, type) => {
          onlyBerthErrors(() => parseManifest(encode(value), type))
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'parses every well-formed OCI image manifest it is given, keeping each layer',
    () => {
      const layer = fc.record({
        mediaType: fc.constant('application/vnd.oci.image.layer.v1.tar+gzip'),
        digest: fc.uint8Array({ maxLength: 8 }).map((b) => sha256Digest(b)),
        size: fc.nat(),
      })
      fc.assert(
        fc.property(layer, fc.array(layer, { maxLength: 5 }), (config, layers) => {
          const parsed = parseManifest(
            encode({
              schemaVersion: 2,
              mediaType: ociManifest,
              config: { ...config, mediaType: 'application/vnd.oci.image.config.v1+json' },
              layers,
            }),
            ociManifest,
          )
          expect(parsed.kind).toBe('image')
          if (parsed.kind === 'image') expect(parsed.layers.map((l) => l.digest)).toEqual(layers.map((l) => l.digest))
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )
})

const configDocument = fc.record(
  {
    created: mostly(
      fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constant('1970-01-01T00:00:00Z'),
        fc.string({ maxLength: 30 }),
      ),
    ),
    architecture: mostly(fc.constantFrom('amd64', 'arm64')),
    os: mostly(fc.constantFrom('linux', 'windows')),
    variant: mostly(fc.string({ maxLength: 4 })),
    author: mostly(fc.string({ maxLength: 20 })),
    config: mostly(
      fc.record(
        {
          Labels: mostly(fc.option(annotations, { nil: null })),
          Env: mostly(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 })),
          Entrypoint: mostly(fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), { nil: null })),
          Cmd: mostly(fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), { nil: null })),
          WorkingDir: mostly(fc.string({ maxLength: 10 })),
          User: mostly(fc.string({ maxLength: 10 })),
          ExposedPorts: mostly(fc.dictionary(fc.string({ maxLength: 8 }), fc.constant({}), { maxKeys: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
    rootfs: mostly(
      fc.record({ type: mostly(fc.constant('layers')), diff_ids: mostly(fc.array(digest, { maxLength: 3 })) }, { requiredKeys: [] }),
    ),
    history: mostly(
      fc.array(
        fc.record(
          { created: mostly(fc.string()), created_by: mostly(fc.string({ maxLength: 20 })), empty_layer: mostly(fc.boolean()) },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: [] },
)

describe('the image config parser on structured hostile documents', () => {
  it(
    'returns config info or throws a BerthError for config-shaped JSON with any field wrong',
    () => {
      fc.assert(
        fc.property(configDocument, (document) => {
          const info = onlyBerthErrors(() => parseImageConfig(encode(document)))
          if (info === undefined) return
          expect(info.created === null || typeof info.created === 'string').toBe(true)
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'normalizes any created value to an ISO date or null, never throwing',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.jsonValue(),
            fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'bad' : d.toISOString())),
          ),
          (value) => {
            const created = normalizeCreated(value)
            if (created !== null) expect(Number.isNaN(Date.parse(created))).toBe(false)
          },
        ),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )
})
