// Types for components.js, so the lint test and eslint.config.js are checked like the rest.
import type { Linter } from 'eslint'

export const componentsReachNoApi: Linter.Config
