// The import direction ARCHITECTURE.md describes, enforced: doors → session → providers →
// operations → stores → http → trust, each layer importing only itself and the layers below it,
// `shared/` importing nothing of electron/ or renderer/, the renderer importing only shared/, and
// only the Electron shell (electron/*.ts) importing `electron`. A unit test
// (test/unit/lint/layers.test.ts) proves that a violation fails.
import { dirname, relative, resolve, sep } from 'node:path'

const projectRoot = resolve(dirname(new URL(import.meta.url).pathname), '..', '..')

/** From the top: a file may import its own layer and any layer after it in this list. */
export const electronLayers = ['shell', 'doors', 'session', 'providers', 'operations', 'stores', 'http', 'trust']

/** The shell: the only files that may import `electron` (main, preload, window and URL policy). */
export const shellFiles = ['electron/*.ts']

/** 'electron:doors', 'shared', 'renderer', or null for code outside the layered tree (tests, bench, scripts). */
export function layerOf(projectPath) {
  const parts = projectPath.split('/')
  if (parts[0] === 'shared') return 'shared'
  if (parts[0] === 'renderer') return 'renderer'
  if (parts[0] !== 'electron') return null
  if (parts.length === 2) return 'electron:shell'
  return electronLayers.includes(parts[1]) ? `electron:${parts[1]}` : 'electron:unknown'
}

/** Why `from` may not import `to` (project-relative paths), or null when it may. */
export function layerViolation(from, to) {
  const source = layerOf(from)
  const target = layerOf(to)
  if (source === null || target === null) return null
  if (source === 'electron:unknown')
    return `${from} is in no layer: put it under one of electron/${electronLayers.slice(1).join(', electron/')}`
  if (target === 'shared') return null
  if (source === 'shared') return 'shared/ is pure and imported by every side: it may not import electron/ or renderer/'
  if (source === 'renderer')
    return target === 'renderer' ? null : 'the renderer may import only renderer/ and shared/ (it reaches the core through the typed Api)'
  if (target === 'renderer') return 'the main process may not import renderer code'
  const sourceRank = electronLayers.indexOf(source.slice('electron:'.length))
  const targetRank = electronLayers.indexOf(target.slice('electron:'.length))
  if (targetRank >= sourceRank) return null
  return `${source.slice(9)} may not import ${target.slice(9)}: imports go ${electronLayers.join(' → ')} (ARCHITECTURE.md)`
}

function toProjectPath(file) {
  return relative(projectRoot, file).split(sep).join('/')
}

const layerImportsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layer direction of ARCHITECTURE.md' },
    schema: [],
    messages: { layer: 'Layer violation: {{why}}.' },
  },
  create(context) {
    const from = toProjectPath(context.filename)
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return
      const to = toProjectPath(resolve(dirname(context.filename), specifier))
      const why = layerViolation(from, to)
      if (why) context.report({ node, messageId: 'layer', data: { why } })
    }
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    }
  },
}

export const layersPlugin = { rules: { 'layer-imports': layerImportsRule } }

/** The flat-config blocks eslint.config.js spreads in, and the layer test lints with. */
export const layerConfig = [
  {
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    plugins: { berth: layersPlugin },
    rules: {
      'berth/layer-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only the Electron shell (electron/*.ts) may import electron: everything else runs in plain Node or a browser.',
            },
          ],
        },
      ],
    },
  },
  { files: shellFiles, rules: { 'no-restricted-imports': 'off' } },
]
