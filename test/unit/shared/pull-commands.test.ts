import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { helmReleaseName, helmVersionForTag, pullCommands, shellQuote, whyNoCommand } from '../../../shared/pull-commands'
import type { PullCommandId } from '../../../shared/pull-commands'
import type { ArtifactInfo } from '../../../shared/artifact-kind'

const digest = `sha256:${'ab'.repeat(32)}`
const image: ArtifactInfo = { kind: 'image' }

function byId(commands: ReturnType<typeof pullCommands>): Partial<Record<PullCommandId, string>> {
  return Object.fromEntries(commands.map((c) => [c.id, c.command]))
}

describe('pullCommands', () => {
  it('lists every form for a tag with a known digest', () => {
    expect(
      byId(pullCommands({ registryHost: 'registry.example.com:5050', repository: 'team/app', tag: '1.2', digest, artifact: image })),
    ).toEqual({
      docker: 'docker pull registry.example.com:5050/team/app:1.2',
      'docker-digest': `docker pull registry.example.com:5050/team/app@${digest}`,
      podman: 'podman pull registry.example.com:5050/team/app:1.2',
      nerdctl: 'nerdctl pull registry.example.com:5050/team/app:1.2',
      reference: 'registry.example.com:5050/team/app:1.2',
      'digest-reference': `registry.example.com:5050/team/app@${digest}`,
      from: `FROM registry.example.com:5050/team/app@${digest}`,
      'kubectl-secret':
        'kubectl create secret docker-registry regcred --docker-server=registry.example.com:5050 ' +
        '--docker-username=<username> --docker-password=<token>',
    })
  })

  it('omits the digest forms when the digest is unknown and pins FROM to the tag', () => {
    const commands = byId(pullCommands({ registryHost: 'r.example', repository: 'a', tag: 'latest', artifact: image }))
    expect(commands['docker-digest']).toBeUndefined()
    expect(commands['digest-reference']).toBeUndefined()
    expect(commands.from).toBe('FROM r.example/a:latest')
  })

  it('uses the digest everywhere when there is no tag', () => {
    const commands = byId(pullCommands({ registryHost: 'r.example', repository: 'a', digest, artifact: image }))
    expect(commands.docker).toBe(`docker pull r.example/a@${digest}`)
  })

  it('gives every command a label', () => {
    for (const c of pullCommands({ registryHost: 'r.example', repository: 'a', tag: 't', digest, artifact: image }))
      expect(c.label.length).toBeGreaterThan(0)
  })

  it('never includes a secret in the kubectl command', () => {
    const kubectl = pullCommands({ registryHost: 'r.example', repository: 'a', tag: 't', artifact: image }).find(
      (c) => c.id === 'kubectl-secret',
    )
    expect(kubectl?.command).toContain('--docker-password=<token>')
  })

  it('quotes shell-unsafe values', () => {
    const commands = byId(pullCommands({ registryHost: 'r.example', repository: 'a', tag: "x';rm -rf ~;'", artifact: image }))
    expect(commands.docker).toBe(`docker pull 'r.example/a:x'\\'';rm -rf ~;'\\'''`)
  })
})

describe('pullCommands for what is not an image', () => {
  const chart: ArtifactInfo = { kind: 'helm-chart', name: 'demo', version: '0.1.0', appVersion: '1.2.3' }

  it('offers a Helm chart helm pull and helm install with the version beside an oci:// URL without a tag', () => {
    expect(
      byId(pullCommands({ registryHost: 'registry.example.com:5050', repository: 'charts/demo', tag: '0.1.0', digest, artifact: chart })),
    ).toEqual({
      'helm-pull': 'helm pull oci://registry.example.com:5050/charts/demo --version 0.1.0',
      'helm-pull-digest': `helm pull oci://registry.example.com:5050/charts/demo@${digest}`,
      'helm-install': 'helm install demo oci://registry.example.com:5050/charts/demo --version 0.1.0',
      'helm-install-digest': `helm install demo oci://registry.example.com:5050/charts/demo@${digest}`,
      reference: 'registry.example.com:5050/charts/demo:0.1.0',
      'digest-reference': `registry.example.com:5050/charts/demo@${digest}`,
    })
  })

  it('never offers docker, podman, nerdctl, FROM or a kubectl secret for anything but an image', () => {
    const kinds: ArtifactInfo[] = [
      chart,
      { kind: 'sbom', format: 'SPDX' },
      { kind: 'wasm' },
      { kind: 'artifact', artifactType: 'application/vnd.acme.rocket.config.v1+json' },
      { kind: 'signature', format: 'cosign', subject: null },
      { kind: 'attestation', predicateType: 'https://slsa.dev/provenance/v1', subject: null },
    ]
    for (const artifact of kinds) {
      const text = pullCommands({ registryHost: 'r.example', repository: 'a', tag: '1.0.0', digest, artifact })
        .map((c) => c.command)
        .join('\n')
      expect(text).not.toMatch(/docker|podman|nerdctl|FROM|kubectl/)
    }
  })

  it('pulls SBOMs, WebAssembly and other artifacts with oras, by tag and by digest', () => {
    for (const artifact of [
      { kind: 'sbom', format: 'SPDX' },
      { kind: 'wasm' },
      { kind: 'artifact', artifactType: null },
    ] as ArtifactInfo[]) {
      expect(byId(pullCommands({ registryHost: 'r.example', repository: 'acme/artifacts', tag: 'wasm', digest, artifact }))).toEqual({
        oras: 'oras pull r.example/acme/artifacts:wasm',
        'oras-digest': `oras pull r.example/acme/artifacts@${digest}`,
        reference: 'r.example/acme/artifacts:wasm',
        'digest-reference': `r.example/acme/artifacts@${digest}`,
      })
    }
  })

  it('adds --plain-http for helm and oras on a plain-HTTP registry', () => {
    const helm = byId(
      pullCommands({ registryHost: '127.0.0.1:5000', repository: 'charts/demo', tag: '0.1.0', artifact: chart, plainHttp: true }),
    )
    expect(helm['helm-pull']).toBe('helm pull oci://127.0.0.1:5000/charts/demo --version 0.1.0 --plain-http')
    const oras = byId(
      pullCommands({ registryHost: '127.0.0.1:5000', repository: 'a', tag: 'x', artifact: { kind: 'wasm' }, plainHttp: true }),
    )
    expect(oras.oras).toBe('oras pull 127.0.0.1:5000/a:x --plain-http')
  })

  it('turns a tag’s _ back into the + of a chart version, and offers only by-digest commands for a tag that is no version', () => {
    expect(helmVersionForTag('1.2.3_build.5')).toBe('1.2.3+build.5')
    expect(helmVersionForTag('v2.0.0-rc.1')).toBe('v2.0.0-rc.1')
    expect(helmVersionForTag('latest')).toBeNull()
    const latest = byId(pullCommands({ registryHost: 'r.example', repository: 'charts/demo', tag: 'latest', digest, artifact: chart }))
    expect(Object.keys(latest)).toEqual(['helm-pull-digest', 'helm-install-digest', 'reference', 'digest-reference'])
    expect(whyNoCommand('helm-pull', chart, 'latest')).toBe('helm pulls a chart by version, and the tag latest is not one')
    expect(whyNoCommand('docker', chart, '0.1.0')).toBe('does not fit')
    expect(whyNoCommand('helm-pull', chart, '0.1.0')).toBeNull()
  })

  it('names the release after the chart, as Helm accepts it, and quotes what the registry sent', () => {
    expect(helmReleaseName({ kind: 'helm-chart', name: 'My_Chart.v2', version: null, appVersion: null }, 'x/y')).toBe('my-chart-v2')
    expect(helmReleaseName({ kind: 'helm-chart', name: null, version: null, appVersion: null }, 'charts/web-app')).toBe('web-app')
    expect(helmReleaseName({ kind: 'helm-chart', name: '$(rm -rf ~)', version: null, appVersion: null }, 'x')).toBe('rm-rf')
    expect(helmReleaseName({ kind: 'helm-chart', name: '___', version: null, appVersion: null }, 'x')).toBe('release')
    const hostile = byId(
      pullCommands({ registryHost: 'r.example', repository: 'a', tag: "1.0.0';id;'", digest, artifact: { kind: 'wasm' } }),
    )
    expect(hostile.oras).toBe(`oras pull 'r.example/a:1.0.0'\\'';id;'\\'''`)
  })

  it('offers only the plain references while the kind is not known', () => {
    expect(byId(pullCommands({ registryHost: 'r.example', repository: 'a', tag: 't', artifact: null }))).toEqual({
      reference: 'r.example/a:t',
    })
  })
})

describe('shellQuote', () => {
  it.each([
    ['plain/value:1.0@sha256:ab', 'plain/value:1.0@sha256:ab'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", `'it'\\''s'`],
    ['$(id)', "'$(id)'"],
  ])('quotes %j as %s', (value, expected) => {
    expect(shellQuote(value)).toBe(expected)
  })

  it('produces words a POSIX shell reads back as the original value', () => {
    // Reverse of single-quoting: the quoted form is either safe as-is or '...' with '\'' escapes.
    const unquote = (q: string): string => (q.startsWith("'") ? q.slice(1, -1).replace(/'\\''/g, "'") : q)
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(unquote(shellQuote(value))).toBe(value)
      }),
      { numRuns: 500 },
    )
  })
})
