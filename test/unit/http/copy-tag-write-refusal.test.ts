// GitLab refusing to write a tag, on recordings. These answers are NOT captured from a GitLab
// instance (none can be reached from here): they are written from the GitLab container registry's
// manifest handler and its tests (gitlab-org/container-registry: validateTagProtection answers 401
// with `tag "<name>" is protected`, validateTagImmutability 401 with `tag "<name>" is immutable`) and
// GitLab's "Protected container tags" and "Immutable container tags" pages. The error code strings
// are not documented (DENIED below is an assumption); Berth reads the detail and message, whatever
// the code.
import { afterEach, describe, expect, it } from 'vitest'
import { createRegistryClient } from '../../../electron/http/registry-client'
import { tagRefusalKind, tagWriteRefusal } from '../../../electron/http/tag-write-refusal'
import type { HttpResponse } from '../../../electron/http/transport'
import type { RegistryClient } from '../../../electron/http/client-types'
import { explainForGitlab } from '../../../electron/session/copy-service'
import { rejection } from '../../support/rejection'
import { startServer, type TestServer } from './transport-servers'

/** Recording: GitLab's registry answering a manifest PUT to a protected tag. */
const protectedTagRecording = {
  status: 401,
  body: { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied', detail: 'tag "v1.0.0" is protected' }] },
}
/** Recording: GitLab's registry answering a manifest PUT that would move an existing immutable tag. */
const immutableTagRecording = {
  status: 401,
  body: { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied', detail: 'tag "v1.0.0" is immutable' }] },
}
/** Recording: a token without write_registry (GitLab grants pull only, then answers insufficient_scope). */
const readOnlyTokenRecording = {
  status: 401,
  body: {
    errors: [
      { code: 'UNAUTHORIZED', message: 'authentication required', detail: [{ Type: 'repository', Name: 'group/app', Action: 'push' }] },
    ],
  },
}

function response(recording: { status: number; body: unknown }): HttpResponse {
  return {
    status: recording.status,
    headers: { 'content-type': 'application/json' },
    body: new TextEncoder().encode(JSON.stringify(recording.body)),
    url: 'https://registry.gitlab.example/v2/group/app/manifests/v1.0.0',
    method: 'PUT',
  }
}

describe("GitLab's answer to a tag it will not write", () => {
  it('is recognised as a protected or an immutable tag, and nothing else is', () => {
    expect(tagRefusalKind(response(protectedTagRecording))).toBe('protected')
    expect(tagRefusalKind(response(immutableTagRecording))).toBe('immutable')
    expect(tagRefusalKind(response(readOnlyTokenRecording))).toBeNull()
    expect(tagRefusalKind({ status: 500, body: response(protectedTagRecording).body })).toBeNull()
  })

  it("says so in GitLab's terms, with the rule to change or the way around it", () => {
    const protectedError = tagWriteRefusal(response(protectedTagRecording), 'registry.gitlab.example', 'v1.0.0')
    expect(protectedError?.code).toBe('forbidden')
    expect(protectedError?.message).toMatch(/refused to write tag v1\.0\.0: the tag is protected, and your role may not push it/)
    expect(protectedError?.message).toContain('tag "v1.0.0" is protected')
    expect(protectedError?.fix).toMatch(/Protected container tags/)
    const immutableError = tagWriteRefusal(response(immutableTagRecording), 'registry.gitlab.example', 'v1.0.0')
    expect(immutableError?.message).toMatch(/the tag is immutable/)
    expect(immutableError?.fix).toMatch(/Copy to a new tag instead/)
  })

  it('a write refused for the token itself tells what GitLab token and role a push needs', () => {
    const explained = explainForGitlab({ code: 'forbidden', message: 'registry.gitlab.example refused to push: insufficient_scope' })
    expect(explained.fix).toMatch(/write_registry/)
    expect(explained.fix).toMatch(/Developer/)
    const untouched = { code: 'forbidden' as const, message: 'refused to write tag v1: the tag is protected', fix: 'keep me' }
    expect(explainForGitlab(untouched)).toEqual(untouched)
  })
})

describe('a manifest push answered with the recording', () => {
  const servers: TestServer[] = []
  const clients: RegistryClient[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()))
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  it('fails as a protected tag, not as "credentials missing or expired"', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(protectedTagRecording.status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(protectedTagRecording.body))
    })
    servers.push(server)
    const client = createRegistryClient({ endpoint: { url: server.url, host: server.host, insecure: true } })
    clients.push(client)
    const manifest = new TextEncoder().encode('{"schemaVersion":2}')
    const error = await rejection(client.blobs!.pushManifest('group/app', 'v1.0.0', manifest, 'application/vnd.oci.image.manifest.v1+json'))
    expect(error.code).toBe('forbidden')
    expect(error.message).toMatch(/the tag is protected/)
  })
})
