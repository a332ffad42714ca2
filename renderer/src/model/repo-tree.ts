// Repositories as a tree of namespaces (GitLab: group/subgroup/project/image), flattened into the
// rows the sidebar renders. Searching keeps every path that matches plus its ancestors, expanded.

export interface RepoNode {
  /** Last path segment. */
  name: string
  /** Full path from the root: "group/sub/project". */
  path: string
  /** True when `path` itself is a repository (a namespace can be one too: "app" and "app/cache"). */
  isRepository: boolean
  children: RepoNode[]
}

export function buildRepoTree(repositories: readonly string[]): RepoNode[] {
  const root: RepoNode = { name: '', path: '', isRepository: false, children: [] }
  const index = new Map<string, RepoNode>()
  for (const repo of [...repositories].sort()) {
    let parent = root
    let path = ''
    for (const part of repo.split('/')) {
      path = path === '' ? part : `${path}/${part}`
      let node = index.get(path)
      if (!node) {
        node = { name: part, path, isRepository: false, children: [] }
        index.set(path, node)
        parent.children.push(node)
      }
      parent = node
    }
    parent.isRepository = true
  }
  return collapseSingleChains(root.children)
}

/** "a" → "a/b" → repo "a/b/c" with nothing else shows as one "a/b" row: fewer clicks, same tree. */
function collapseSingleChains(nodes: RepoNode[]): RepoNode[] {
  return nodes.map((node) => {
    let current = node
    let label = node.name
    while (!current.isRepository && current.children.length === 1 && current.children[0]?.children.length) {
      const only = current.children[0]
      label = `${label}/${only.name}`
      current = only
    }
    return { ...current, name: label, children: collapseSingleChains(current.children) }
  })
}

export interface RepoTreeRow {
  node: RepoNode
  depth: number
  expanded: boolean
  hasChildren: boolean
}

function matches(node: RepoNode, needle: string): boolean {
  return node.path.toLowerCase().includes(needle)
}

function subtreeMatches(node: RepoNode, needle: string): boolean {
  return (node.isRepository && matches(node, needle)) || node.children.some((c) => subtreeMatches(c, needle))
}

/** With a search, matching branches are shown expanded regardless of `expanded`. */
export function flattenRepoTree(nodes: readonly RepoNode[], expanded: ReadonlySet<string>, search = ''): RepoTreeRow[] {
  const needle = search.trim().toLowerCase()
  const rows: RepoTreeRow[] = []
  const walk = (list: readonly RepoNode[], depth: number): void => {
    for (const node of list) {
      if (needle !== '' && !subtreeMatches(node, needle)) continue
      const hasChildren = node.children.length > 0
      const open = hasChildren && (needle !== '' || expanded.has(node.path))
      rows.push({ node, depth, expanded: open, hasChildren })
      if (open) walk(node.children, depth + 1)
    }
  }
  walk(nodes, 0)
  return rows
}

/** The namespaces to open so `repository` is visible. */
export function ancestorsOf(repository: string): string[] {
  const parts = repository.split('/')
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'))
}
