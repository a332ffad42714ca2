// electron-vite 6: three bundles in out/ — main (ESM, the package is "type": "module"), preload
// (CommonJS, self-contained) and the renderer.
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { contentSecurityPolicy } from './shared/content-security-policy'

const cspMetaPattern = /<meta\s[^>]*http-equiv=["']Content-Security-Policy["'][^>]*>\s*/gi

/**
 * One policy, from window-options.ts, whatever index.html says. A build carries it in a <meta>
 * (main also sends it as a header through webRequest, but file:// pages do not reliably pass
 * through webRequest; the web server sends it as a header too). Under the dev server the <meta> is
 * removed and main's header, which allows the dev server's inline preamble and socket, governs.
 */
function cspMetaTag(): Plugin {
  let building = false
  return {
    name: 'berth-csp-meta',
    configResolved(config) {
      building = config.command === 'build'
    },
    transformIndexHtml: {
      order: 'pre',
      handler: (html) => ({
        html: html.replace(cspMetaPattern, ''),
        tags: building
          ? [
              {
                tag: 'meta',
                attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ forMeta: true }) },
                injectTo: 'head-prepend',
              },
            ]
          : [],
      }),
    },
  }
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve('out/main'),
      rolldownOptions: { input: { main: resolve('electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve('out/preload'),
      // A sandboxed preload can require only 'electron' (and a few Node polyfills), and cannot be an
      // ES module: bundle everything it imports into a single CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve('electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    plugins: [react(), cspMetaTag()],
    build: {
      outDir: resolve('out/renderer'),
      // bench/browser-profile.ts builds unminified, so a CPU profile names the renderer's functions.
      ...(process.env.BERTH_RENDERER_MINIFY === '0' ? { minify: false } : {}),
      rolldownOptions: { input: resolve('renderer/index.html') },
    },
  },
})
