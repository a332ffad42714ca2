import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

import { layerConfig } from './scripts/lint/layers.js'
import { componentsReachNoApi } from './scripts/lint/components.js'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/results/**', '.lab-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layer direction and "only the shell imports electron" (ARCHITECTURE.md).
  ...layerConfig,
  componentsReachNoApi,
  {
    // Prettier wraps code at 140 columns but leaves strings and comments alone. Electronegativity's
    // `eng-disable` markers must stay on the line they annotate.
    rules: { 'max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true, ignorePattern: 'eng-disable' }] },
  },
  {
    // A registry decides how long its lists are: spreading one into call arguments overflows the
    // stack at ~125,000 items ("Maximum call stack size exceeded"). Loop instead.
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(push|unshift|splice)$/] > SpreadElement',
          message: 'No argument spread into push/unshift/splice: registry-sized arrays overflow the stack. Use a loop.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'] > SpreadElement",
          message: 'No argument spread into Math.max/min: registry-sized arrays overflow the stack. Use a loop or reduce.',
        },
        {
          selector: "CallExpression[callee.object.name='String'][callee.property.name='fromCharCode'] > SpreadElement",
          message: 'No argument spread into String.fromCharCode: use TextDecoder or a loop.',
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'bin/*'],
    ...tseslint.configs.disableTypeChecked,
  },
  // electron-builder loads its hooks with require(): CommonJS is the contract there.
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
)
