// Catalog and tag-list pagination (DIST docs/content/spec/api.md "Pagination", SPEC "Listing
// Tags"): follow `Link: <…>; rel="next"` until there is none — a short page with a Link is not the
// end — refusing links to another host (nextPageUrl) and links that loop back to a page we read.
import { z } from 'zod'
import { BerthError } from '../../shared/errors'
import { nextPageUrl } from './link'
import { bodyText, headerValue, type HttpResponse } from './transport'

/** Past this many pages the "registry" is generating links, not listing. */
export const maxPages = 100_000

export const catalogPageSchema = z.looseObject({ repositories: z.array(z.string()).nullable().optional() })
export const tagsPageSchema = z.looseObject({ name: z.string().optional(), tags: z.array(z.string()).nullable().optional() })

/** JSON body validated by `schema`, or invalid_response naming the host and what was expected. */
export function parseJsonBody<T>(response: HttpResponse, schema: z.ZodType<T>, what: string): T {
  const host = new URL(response.url).host
  let json: unknown
  try {
    json = JSON.parse(bodyText(response))
  } catch (error) {
    throw new BerthError(
      {
        code: 'invalid_response',
        message: `${host} answered with something that is not JSON where ${what} was expected.`,
        fix: 'Check that the address points at a container registry (not a web page or a proxy login).',
      },
      { cause: error },
    )
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    throw new BerthError({
      code: 'invalid_response',
      message: `${host} answered JSON that is not ${what} (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ')}).`,
      fix: 'Check that the address points at a container registry.',
    })
  }
  return parsed.data
}

export interface PageWalker {
  /** The next page's absolute URL, or null at the end; throws on a loop or a foreign host. */
  next(response: HttpResponse): string | null
}

export function createPageWalker(firstUrl: string): PageWalker {
  const seen = new Set<string>([firstUrl])
  return {
    next(response) {
      const next = nextPageUrl(headerValue(response.headers, 'link'), response.url)
      if (next === null) return null
      if (seen.has(next) || seen.size >= maxPages) {
        throw new BerthError({
          code: 'invalid_response',
          message:
            `${new URL(response.url).host} sent a pagination Link back to a page already read (${seen.size} pages); ` +
            'Berth stopped listing to avoid an endless loop.',
          fix: "The registry's pagination is broken; report it to the registry operator.",
        })
      }
      seen.add(next)
      return next
    },
  }
}
