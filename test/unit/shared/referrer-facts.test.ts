// What SBOMs and provenance attestations say, from known documents of each format.
import { describe, expect, it } from 'vitest'
import { factsFromDocument, factsOf, rawLimit } from '../../../shared/referrer-facts'

const layer = { digest: `sha256:${'1'.repeat(64)}`, mediaType: 'application/vnd.in-toto+json' }
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

const slsa02 = {
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: 'https://slsa.dev/provenance/v0.2',
  subject: [{ name: 'img', digest: { sha256: 'ab' } }],
  predicate: {
    builder: {
      id: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v1.9.0',
    },
    buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
    invocation: {
      configSource: { uri: 'git+https://github.com/acme/app@refs/heads/main', digest: { sha1: 'f00d' }, entryPoint: 'ci.yml' },
    },
    materials: [{ uri: 'git+https://github.com/acme/app@refs/heads/main', digest: { sha1: 'f00d' } }],
  },
}

/** BuildKit's mode=max provenance (v0.2): the source only in materials. */
const buildkit02 = {
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: 'https://slsa.dev/provenance/v0.2',
  predicate: {
    builder: { id: '' },
    buildType: 'https://mobyproject.org/buildkit@v1',
    materials: [
      { uri: 'pkg:docker/alpine@3.19?platform=linux%2Famd64', digest: { sha256: '12' } },
      { uri: 'https://github.com/acme/app.git#refs/heads/main', digest: { sha1: 'beef' } },
    ],
    invocation: { configSource: {}, parameters: { frontend: 'dockerfile.v0' } },
  },
}

const githubV1 = {
  _type: 'https://in-toto.io/Statement/v1',
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: {
        workflow: { ref: 'refs/heads/main', repository: 'https://github.com/octocat/hello-world', path: '.github/workflows/release.yml' },
      },
      resolvedDependencies: [
        {
          uri: 'git+https://github.com/octocat/hello-world@refs/heads/main',
          digest: { gitCommit: 'c27d339ee6075c1f744c5d4b200f7901aad2c369' },
        },
      ],
    },
    runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
  },
}

const buildkitV1 = {
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: {
    buildDefinition: {
      buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
      externalParameters: {
        configSource: { uri: 'https://github.com/acme/app.git#refs/tags/v1.0.0', digest: { sha1: 'cafe' }, path: 'Dockerfile' },
        request: { frontend: 'gateway.v0' },
      },
      resolvedDependencies: [{ uri: 'pkg:docker/alpine@3.19', digest: { sha256: '34' } }],
    },
    runDetails: { builder: { id: 'https://github.com/acme/app/actions/runs/1' } },
  },
}

describe('provenance facts', () => {
  it('reads SLSA v0.2 builder, configSource and its commit', () => {
    expect(factsOf(slsa02).provenance).toEqual({
      slsaVersion: 'v0.2',
      builder: slsa02.predicate.builder.id,
      buildType: slsa02.predicate.buildType,
      sourceRepository: 'git+https://github.com/acme/app@refs/heads/main',
      sourceCommit: 'f00d',
    })
  })

  it('falls back to the git material of a BuildKit v0.2 provenance, not its base image', () => {
    const provenance = factsOf(buildkit02).provenance
    expect(provenance?.sourceRepository).toBe('https://github.com/acme/app.git#refs/heads/main')
    expect(provenance?.sourceCommit).toBe('beef')
    expect(provenance?.builder).toBe('')
  })

  it("reads SLSA v1 from GitHub's workflow parameters and the resolved git dependency", () => {
    expect(factsOf(githubV1).provenance).toEqual({
      slsaVersion: 'v1',
      builder: 'https://github.com/actions/runner/github-hosted',
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      sourceRepository: 'https://github.com/octocat/hello-world',
      sourceCommit: 'c27d339ee6075c1f744c5d4b200f7901aad2c369',
    })
  })

  it("reads SLSA v1 from BuildKit's configSource", () => {
    const provenance = factsOf(buildkitV1).provenance
    expect(provenance?.sourceRepository).toBe('https://github.com/acme/app.git#refs/tags/v1.0.0')
    expect(provenance?.sourceCommit).toBe('cafe')
  })

  it('unwraps a DSSE envelope (cosign attest) and keeps the decoded statement as the raw JSON', () => {
    const envelope = {
      payloadType: 'application/vnd.in-toto+json',
      payload: Buffer.from(JSON.stringify(slsa02)).toString('base64'),
      signatures: [{ keyid: '', sig: 'c2ln' }],
    }
    const facts = factsFromDocument(bytes(envelope), layer)
    expect(facts.predicateType).toBe('https://slsa.dev/provenance/v0.2')
    expect(facts.provenance?.sourceCommit).toBe('f00d')
    expect(facts.raw).toContain('"predicateType": "https://slsa.dev/provenance/v0.2"')
    expect(facts.problem).toBeUndefined()
  })

  it('gives "unknown" rather than throwing for a provenance of the wrong shape', () => {
    const odd = { ...slsa02, predicate: { builder: 'not an object', materials: 'no' } }
    expect(factsOf(odd).provenance).toEqual({
      slsaVersion: 'v0.2',
      builder: null,
      buildType: null,
      sourceRepository: null,
      sourceCommit: null,
    })
  })
})

describe('SBOM facts', () => {
  it('counts SPDX packages', () => {
    const spdx = { spdxVersion: 'SPDX-2.3', name: 'app', packages: [{ name: 'a' }, { name: 'b' }] }
    expect(factsOf(spdx)).toEqual({ predicateType: null, sbom: { format: 'SPDX', version: 'SPDX-2.3', packageCount: 2, name: 'app' } })
  })

  it('counts CycloneDX components', () => {
    const bom = { bomFormat: 'CycloneDX', specVersion: '1.5', metadata: { component: { name: 'app' } }, components: [{}, {}, {}] }
    expect(factsOf(bom).sbom).toEqual({ format: 'CycloneDX', version: '1.5', packageCount: 3, name: 'app' })
  })

  it('reads an SPDX document inside an in-toto statement (buildx --sbom, cosign attest --type spdxjson)', () => {
    const statement = {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://spdx.dev/Document',
      predicate: { spdxVersion: 'SPDX-2.3', packages: [{}] },
    }
    const facts = factsOf(statement)
    expect(facts.predicateType).toBe('https://spdx.dev/Document')
    expect(facts.sbom?.packageCount).toBe(1)
  })
})

describe('documents that are not what they claim', () => {
  it('says so for bytes that are not JSON', () => {
    const facts = factsFromDocument(new Uint8Array([0xff, 0xfe, 0x00]), layer)
    expect(facts.problem).toMatch(/not UTF-8 JSON/)
    expect(facts.raw).toBe('')
  })

  it('says so for a DSSE payload that is not base64', () => {
    const facts = factsFromDocument(bytes({ payloadType: 'x', payload: '%%%', signatures: [] }), layer)
    expect(facts.problem).toMatch(/base64/)
  })

  it('says so for JSON that is neither a statement nor an SBOM', () => {
    expect(factsOf({ hello: 'world' }).problem).toMatch(/Neither/)
  })

  it('cuts the raw view of a huge document and says it did', () => {
    const spdx = { spdxVersion: 'SPDX-2.3', packages: Array.from({ length: 20_000 }, (_, i) => ({ name: `package-${i}` })) }
    const facts = factsFromDocument(bytes(spdx), layer)
    expect(facts.sbom?.packageCount).toBe(20_000)
    expect(facts.raw.length).toBe(rawLimit)
    expect(facts.rawTruncated).toBe(true)
  })
})
