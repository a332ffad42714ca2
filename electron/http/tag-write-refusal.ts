// A registry that refuses to write a tag because of the tag itself, said in its own terms. GitLab's
// container registry answers a manifest PUT to a protected tag (a protection rule whose minimum push
// role the user lacks) or to an existing immutable tag with 401 and an error envelope whose detail
// reads `tag "<name>" is protected` or `tag "<name>" is immutable` (gitlab-org/container-registry,
// manifest handler: validateTagProtection / validateTagImmutability; GitLab docs "Protected container
// tags", "Immutable container tags"). A plain "credentials missing or expired" would send the user
// to the wrong fix, so the answer is recognised here, before the generic mapping.
import { BerthError } from '../../shared/errors'
import { parseErrorEnvelope } from './registry-errors'
import { sanitizeForMessage } from './sanitize'
import { bodyText, type HttpResponse } from './transport'

export type TagRefusal = 'protected' | 'immutable'

/** Which refusal the registry's answer states, or null when it is about something else. */
export function tagRefusalKind(response: Pick<HttpResponse, 'status' | 'body'>): TagRefusal | null {
  if (response.status !== 401 && response.status !== 403 && response.status !== 400 && response.status !== 409) return null
  const entries = parseErrorEnvelope(bodyText(response as HttpResponse).slice(0, 64 * 1024))
  for (const entry of entries) {
    const detail = typeof entry.detail === 'string' ? entry.detail : JSON.stringify(entry.detail ?? '')
    const text = `${entry.code} ${entry.message} ${detail}`
    if (/\bimmutable\b/i.test(text)) return 'immutable'
    if (/\bprotected\b/i.test(text) && /\btag\b/i.test(text)) return 'protected'
  }
  return null
}

/** The refusal as a BerthError (`forbidden`), or null when the answer is not a tag refusal. */
export function tagWriteRefusal(response: HttpResponse, host: string, tag: string): BerthError | null {
  const kind = tagRefusalKind(response)
  if (kind === null) return null
  const entries = parseErrorEnvelope(bodyText(response).slice(0, 64 * 1024))
  const said = entries
    .map((entry) => [entry.message, typeof entry.detail === 'string' ? entry.detail : ''].filter(Boolean).join(': '))
    .join('; ')
  const registryCode = entries.find((entry) => entry.code !== 'UNKNOWN')?.code
  const quoted = said ? ` (the registry says: ${sanitizeForMessage(said, 200)})` : ''
  const name = sanitizeForMessage(tag, 130)
  return new BerthError({
    code: 'forbidden',
    status: response.status,
    ...(registryCode !== undefined ? { registryCode } : {}),
    message:
      kind === 'protected'
        ? `${host} refused to write tag ${name}: the tag is protected, and your role may not push it${quoted}.`
        : `${host} refused to write tag ${name}: the tag is immutable — once created, no one can move or delete it${quoted}.`,
    fix:
      kind === 'protected'
        ? 'GitLab: protected container tags can only be pushed by the minimum role their rule names (Settings → Packages and ' +
          'registries → Container registry → Protected container tags). Ask a Maintainer or Owner to push it, or copy to another tag.'
        : 'GitLab: an immutable tag keeps the image it was created with (Settings → Packages and registries → Container registry). ' +
          'Copy to a new tag instead; nothing was changed.',
  })
}
