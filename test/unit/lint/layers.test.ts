// The layer rule of eslint.config.js, run on code that breaks it: a violation must fail lint.
import { Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import { layerConfig, layerViolation } from '../../../scripts/lint/layers.js'

const linter = new Linter({ configType: 'flat', cwd: process.cwd() })
const config = [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } }, ...layerConfig]

function lint(file: string, code: string): string[] {
  return linter.verify(code, config, { filename: `${process.cwd()}/${file}` }).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`)
}

describe('the layer rule', () => {
  it('fails an HTTP module that imports an operation', () => {
    const errors = lint('electron/http/transport.ts', "import { loadTagDetails } from '../operations/tag-details'\n")
    expect(errors).toEqual([expect.stringMatching(/^berth\/layer-imports: .*http may not import operations/)])
  })

  it('fails an operation that imports a provider, and a provider that imports the session', () => {
    expect(lint('electron/operations/inspect.ts', "import type { RegistryProvider } from '../providers/provider'\n")).toHaveLength(1)
    expect(lint('electron/providers/generic-provider.ts', "export { createEngine } from '../session/engine'\n")).toHaveLength(1)
  })

  it('fails a dynamic import against the direction too', () => {
    expect(lint('electron/stores/audit-log.ts', "export const later = () => import('../doors/cli/cli')\n")).toHaveLength(1)
  })

  it('lets each layer import itself, the layers below it, and shared/', () => {
    expect(
      lint('electron/doors/cli/cli.ts', "import { createEngine } from '../../session/engine'\nimport { sha } from '../../http/digest'\n"),
    ).toEqual([])
    expect(
      lint('electron/operations/delete-tags.ts', "import { x } from '../stores/audit-log'\nimport { y } from '../../shared/errors'\n"),
    ).toEqual([])
    expect(lint('electron/main.ts', "import { app } from 'electron'\nimport { createEngine } from './session/engine'\n")).toEqual([])
  })

  it('keeps electron imports to the shell', () => {
    expect(lint('electron/session/engine.ts', "import { app } from 'electron'\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*Only the Electron shell/),
    ])
    expect(lint('electron/electron-url-policy.ts', "import { shell } from 'electron'\n")).toEqual([])
  })

  it('keeps shared/ pure and the renderer behind the Api', () => {
    expect(lint('shared/types.ts', "import { x } from '../electron/http/digest'\n")).toHaveLength(1)
    expect(lint('renderer/src/stores/tags.ts', "import { x } from '../../../electron/session/engine'\n")).toHaveLength(1)
    expect(lint('renderer/src/stores/tags.ts', "import { x } from '../../../shared/types'\n")).toEqual([])
  })

  it('refuses a file outside every layer', () => {
    expect(layerViolation('electron/registry/x.ts', 'electron/http/digest.ts')).toMatch(/is in no layer/)
  })
})
