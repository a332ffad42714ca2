import type { TokenAccess } from './jwt'

export type LabUserName = 'reader' | 'writer' | 'admin'

export interface RequestedScope {
  type: string
  name: string
  actions: string[]
}

/**
 * Parses `type[(class)]:name:actions` scopes (distribution docs/content/spec/auth/scope.md). One
 * value may hold several space-joined scopes (the OAuth2 form). The name may itself contain ':'
 * (`host:port/repo`), so the type ends at the first colon and the actions start after the last.
 */
export function parseScopes(values: string[]): RequestedScope[] {
  const scopes: RequestedScope[] = []
  for (const raw of values.flatMap((value) => value.split(' '))) {
    const first = raw.indexOf(':')
    const last = raw.lastIndexOf(':')
    if (first < 0 || last === first) continue
    const type = raw.slice(0, first).replace(/\(.*\)$/, '')
    const actions = raw
      .slice(last + 1)
      .split(',')
      .filter((action) => action !== '')
    scopes.push({ type, name: raw.slice(first + 1, last), actions })
  }
  return scopes
}

function allowedActions(role: LabUserName | 'anonymous', scope: RequestedScope): string[] {
  if (scope.type === 'registry') {
    return role === 'admin' && scope.name === 'catalog' ? ['*'] : []
  }
  if (scope.type !== 'repository') return []
  switch (role) {
    case 'anonymous':
      return scope.name.startsWith('public/') ? ['pull'] : []
    case 'reader':
      return ['pull']
    case 'writer':
      return ['pull', 'push', 'delete']
    case 'admin':
      return ['*']
  }
}

/**
 * The intersection of what was asked and what the role may do, never an error for asking too much
 * (the same behaviour as GitLab and Docker Hub: a token proves nothing about push/delete rights).
 * Scopes for the same resource are merged; resources with nothing granted are left out.
 */
export function grantAccess(role: LabUserName | 'anonymous', scopes: RequestedScope[]): TokenAccess[] {
  const merged = new Map<string, TokenAccess>()
  for (const scope of scopes) {
    const allowed = allowedActions(role, scope)
    const granted = allowed.includes('*') ? scope.actions : scope.actions.filter((action) => allowed.includes(action))
    if (granted.length === 0) continue
    const key = `${scope.type}\u0000${scope.name}`
    const entry = merged.get(key) ?? { type: scope.type, name: scope.name, actions: [] }
    for (const action of granted) if (!entry.actions.includes(action)) entry.actions.push(action)
    merged.set(key, entry)
  }
  return [...merged.values()]
}
