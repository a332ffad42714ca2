// Token scopes (DIST docs/content/spec/auth/scope.md): `type[(class)]:name:actions`. The name may
// hold `host:port` colons, so the actions are after the LAST colon and the type before the first.
import type { Challenge } from './client-types'

export const catalogScope = 'registry:catalog:*'

export interface ParsedScope {
  type: string
  class?: string
  name: string
  actions: string[]
}

export function repositoryScope(repository: string, actions: string[]): string {
  return `repository:${repository}:${actions.join(',')}`
}

const typePattern = /^([a-z0-9]+)(?:\(([a-z0-9]+)\))?$/i

export function parseScope(text: string): ParsedScope | null {
  const first = text.indexOf(':')
  const last = text.lastIndexOf(':')
  if (first <= 0 || last === first) return null
  const typeMatch = typePattern.exec(text.slice(0, first))
  const name = text.slice(first + 1, last)
  if (!typeMatch || !name || /\s/.test(text)) return null
  const actions = text
    .slice(last + 1)
    .split(',')
    .filter((a) => a.length > 0)
  const scope: ParsedScope = { type: typeMatch[1] ?? '', name, actions }
  if (typeMatch[2] !== undefined) scope.class = typeMatch[2]
  return scope
}

export function formatScope(scope: ParsedScope): string {
  const type = scope.class === undefined ? scope.type : `${scope.type}(${scope.class})`
  return `${type}:${scope.name}:${scope.actions.join(',')}`
}

function resourceKey(scope: ParsedScope): string {
  return `${scope.type}\u0000${scope.class ?? ''}\u0000${scope.name}`
}

/**
 * One scope per resource with the union of its actions, in first-seen order: token servers
 * grant per resource, and asking twice for the same one confuses some (DIST scope.md).
 * Strings that are not scopes are kept once, unchanged.
 */
export function mergeScopes(scopes: readonly string[]): string[] {
  const merged = new Map<string, ParsedScope | string>()
  for (const raw of scopes) {
    const scope = parseScope(raw)
    if (!scope) {
      if (!merged.has(`raw\u0000${raw}`)) merged.set(`raw\u0000${raw}`, raw)
      continue
    }
    const key = resourceKey(scope)
    const existing = merged.get(key)
    if (existing === undefined || typeof existing === 'string') {
      merged.set(key, { ...scope, actions: [...new Set(scope.actions)] })
    } else {
      for (const action of scope.actions) if (!existing.actions.includes(action)) existing.actions.push(action)
    }
  }
  return [...merged.values()].map((s) => (typeof s === 'string' ? s : formatScope(s)))
}

/** Tokens are cached by (realm, service, scopes) with scope and action order irrelevant. */
export function scopeCacheKey(realm: string, service: string | undefined, scopes: readonly string[]): string {
  const normalized = mergeScopes(scopes).map((raw) => {
    const scope = parseScope(raw)
    return scope ? formatScope({ ...scope, actions: [...scope.actions].sort() }) : raw
  })
  return JSON.stringify([realm, service ?? null, [...new Set(normalized)].sort()])
}

/** The challenge's `scope` param may list several scopes separated by spaces (DIST token.md). */
export function scopesFromChallenge(challenge: Challenge): string[] {
  const value = challenge.params.scope
  if (!value) return []
  return value.split(/\s+/).filter((s) => s.length > 0)
}
