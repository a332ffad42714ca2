// The components rule of eslint.config.js, run on code that breaks it: a component that reaches the
// Api itself must fail lint; its test (which installs a fake Api) and the stores may.
import { Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import { componentsReachNoApi } from '../../../scripts/lint/components.js'
import { layerConfig } from '../../../scripts/lint/layers.js'

const linter = new Linter({ configType: 'flat', cwd: process.cwd() })
const config = [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } }, ...layerConfig, componentsReachNoApi]

function lint(file: string, code: string): string[] {
  return linter.verify(code, config, { filename: `${process.cwd()}/${file}` }).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`)
}

describe('the components rule', () => {
  it('fails a component that imports the Api, however it names it', () => {
    expect(lint('renderer/src/components/delete-dialog.tsx', "import { call } from '../api/call'\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*Components never call the Api/),
    ])
    expect(lint('renderer/src/components/app.tsx', "import { getApi } from '../api/get-api'\n")).toHaveLength(1)
    expect(lint('renderer/src/components/app.tsx', "export { onApiEvent } from '../api/call'\n")).toHaveLength(1)
  })

  it('still fails a component that imports electron', () => {
    expect(lint('renderer/src/components/app.tsx', "import { ipcRenderer } from 'electron'\n")).toHaveLength(1)
  })

  it('lets stores, actions and component tests reach the Api', () => {
    expect(lint('renderer/src/stores/tags.ts', "import { call } from '../api/call'\n")).toEqual([])
    expect(lint('renderer/src/stores/actions/delete-tags.ts', "import { call } from '../../api/call'\n")).toEqual([])
    expect(lint('renderer/src/components/delete-dialog.test.tsx', "import { installApi } from '../api/call'\n")).toEqual([])
  })
})
