// The UI harness: the real renderer (root renderer/) with the fake Api injected before main.tsx.
// `npx vite --config test/ui-harness/vite.config.ts` for development; screenshot.ts builds it and
// serves the build, so the strict CSP of index.html is exercised exactly as in the app.
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = fileURLToPath(new URL('../../renderer', import.meta.url))

function injectFakeApi(): Plugin {
  let serving = false
  return {
    name: 'berth-ui-harness',
    configResolved(config) {
      serving = config.command === 'serve'
    },
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        // Dev serves files outside root through /@fs/; a build resolves a path relative to root.
        const src = serving ? `/@fs${here}harness-main.ts` : '../test/ui-harness/harness-main.ts'
        let out = html.replace(
          '<script type="module" src="/src/main.tsx"></script>',
          `<script type="module" src="${src}"></script>\n    <script type="module" src="/src/main.tsx"></script>`,
        )
        // The dev server's React Refresh preamble is an inline script: allow it in dev only.
        if (serving) out = out.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        return out
      },
    },
  }
}

export default defineConfig({
  root,
  plugins: [injectFakeApi(), react()],
  server: { host: '127.0.0.1', strictPort: false, fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
  preview: { host: '127.0.0.1' },
  build: { outDir: fileURLToPath(new URL('../../test-results/ui-harness-dist', import.meta.url)), emptyOutDir: true },
  logLevel: 'warn',
})
