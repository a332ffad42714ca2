// Types for layers.js, so the lint test and eslint.config.js are checked like the rest.
import type { ESLint, Linter } from 'eslint'

export const electronLayers: string[]
export const shellFiles: string[]
export function layerOf(projectPath: string): string | null
export function layerViolation(from: string, to: string): string | null
export const layersPlugin: ESLint.Plugin
export const layerConfig: Linter.Config[]
