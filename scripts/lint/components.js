// What the renderer's components may import, beyond the layer rule (layers.js).
/**
 * Components show state and call store actions; only stores (renderer/src/stores/) reach the Api,
 * so every call has one place that handles its result. Component tests install a fake Api.
 * Its options replace those of layerConfig for these files, so the electron ban is restated.
 * test/unit/lint/component-imports.test.ts proves that a violation fails.
 */
export const componentsReachNoApi = {
  files: ['renderer/src/components/**/*.{ts,tsx}'],
  ignores: ['renderer/src/components/**/*.test.{ts,tsx}'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'electron', message: 'Only the Electron shell (electron/*.ts) may import electron.' }],
        patterns: [
          {
            group: ['**/api/*'],
            message: 'Components never call the Api: put the call in a store or an action under renderer/src/stores/.',
          },
        ],
      },
    ],
  },
}
