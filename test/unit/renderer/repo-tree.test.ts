import { describe, expect, it } from 'vitest'
import { ancestorsOf, buildRepoTree, flattenRepoTree } from '../../../renderer/src/model/repo-tree'

const repos = ['group/sub/app', 'group/sub/app/cache', 'group/other', 'solo', 'deep/a/b/c/image']

describe('repository tree', () => {
  it('nests repositories by namespace and marks which nodes are repositories', () => {
    const tree = buildRepoTree(repos)
    expect(tree.map((n) => n.name)).toEqual(['deep/a/b/c', 'group', 'solo'])
    const group = tree.find((n) => n.name === 'group')
    expect(group?.isRepository).toBe(false)
    const app = group?.children.find((n) => n.path === 'group/sub/app')
    expect(app?.name).toBe('sub/app')
    expect(app?.isRepository).toBe(true)
    expect(app?.children[0]?.path).toBe('group/sub/app/cache')
  })

  it('collapses single-child namespace chains into one row', () => {
    const [deep] = buildRepoTree(['deep/a/b/c/image'])
    expect(deep?.name).toBe('deep/a/b/c')
    expect(deep?.children[0]?.name).toBe('image')
  })

  it('shows only top-level rows until a namespace is expanded', () => {
    const tree = buildRepoTree(repos)
    expect(flattenRepoTree(tree, new Set()).map((r) => r.node.path)).toEqual(['deep/a/b/c', 'group', 'solo'])
    const open = flattenRepoTree(tree, new Set(['group']))
    expect(open.map((r) => [r.node.path, r.depth])).toContainEqual(['group/sub/app', 1])
  })

  it('shows every match with its ancestors expanded while searching', () => {
    const rows = flattenRepoTree(buildRepoTree(repos), new Set(), 'CACHE')
    expect(rows.map((r) => r.node.path)).toEqual(['group', 'group/sub/app', 'group/sub/app/cache'])
  })

  it('lists the namespaces to open for a repository', () => {
    expect(ancestorsOf('a/b/c')).toEqual(['a', 'a/b'])
  })
})
