// `berth link REGISTRY[/REPO[:TAG|@DIGEST]]`: the berth:// link that opens that view in the app, the
// same link the app's "Copy link" makes (shared/view-link.ts). Offline: it asks nothing of the
// registry, the keychain or the saved profiles, since a link names a registry by its address.
import { BerthError } from '../../../shared/errors'
import {
  defaultViewLink,
  formatBerthLink,
  normalizeRegistryAddress,
  parseBerthLink,
  sortKeys,
  type ViewLink,
} from '../../../shared/view-link'
import { parseImageReference } from '../../http/reference'
import { sanitizeForMessage } from '../../http/sanitize'
import type { CliContext } from './cli-context'
import { printJson, UsageError } from './cli-output'
import { platformOption } from './inspect-output'
import { formatPlatform } from '../../../shared/format'
import type { PlatformName } from '../../../shared/platform'

export function linkCommand(context: CliContext, target: string): Promise<void> {
  const link = linkFor(target, {
    sort: context.string('sort'),
    desc: context.flag('desc'),
    filter: context.string('filter'),
    platform: platformOption(context, 'link'),
  })
  if (context.json) printJson(context.io, { link })
  else context.io.stdout(`${link}\n`)
  return Promise.resolve()
}

export interface LinkOptions {
  sort?: string | undefined
  desc?: boolean
  /** A regular expression over tag names, as `berth tags --filter`. */
  filter?: string | undefined
  /** Only tags that offer this platform, as `berth tags --platform`. */
  platform?: PlatformName | undefined
}

/** The berth:// link of a registry, repository, tag or digest, with the table's sort and filter. */
export function linkFor(target: string, options: LinkOptions = {}): string {
  const view: ViewLink = { ...defaultViewLink, ...placeOf(target) }
  if (options.sort !== undefined) {
    if (!(sortKeys as readonly string[]).includes(options.sort)) throw new UsageError(`--sort must be one of ${sortKeys.join(', ')}`)
    view.sort = options.sort as ViewLink['sort']
  }
  // As for `berth tags`: --sort alone is ascending, --desc turns it.
  if (options.sort !== undefined || options.desc === true) view.dir = options.desc === true ? 'desc' : 'asc'
  if (options.filter !== undefined) {
    view.q = options.filter
    view.mode = 'regex'
  }
  if (options.platform !== undefined) view.platform = formatPlatform(options.platform)
  const link = formatBerthLink(view)
  if (link === null) throw new Error('internal: a link without a registry address')
  // The app reads the link with the same strict parser: what it would refuse is refused here.
  const check = parseBerthLink(link)
  if (!check.ok) throw new UsageError(`this link would not open: ${check.reason}`)
  return link
}

function placeOf(target: string): Pick<ViewLink, 'registry' | 'repository' | 'tag' | 'digest'> {
  const text = target.trim().replace(/\/+$/, '')
  if (!text.includes('/')) {
    const address = normalizeRegistryAddress(text)
    if (address === null) {
      throw new BerthError({
        code: 'invalid_input',
        message: `"${sanitizeForMessage(target, 200)}" is not a registry address.`,
        fix: 'Write it as host, host:port or localhost[:port] (a name without a dot needs its port, e.g. registry:5000).',
      })
    }
    return { registry: { kind: 'address', address }, repository: null, tag: null, digest: null }
  }
  const reference = parseImageReference(text)
  const address = normalizeRegistryAddress(reference.registry)
  if (address === null)
    throw new BerthError({ code: 'invalid_input', message: `"${sanitizeForMessage(reference.registry, 200)}" is not a registry address.` })
  return {
    registry: { kind: 'address', address },
    repository: reference.repository,
    tag: reference.tag ?? null,
    digest: reference.digest ?? null,
  }
}
