// The `berth` CLI bundle: out/cli/berth.js (exports runCli and nodeIo; bin/berth calls them) plus one
// chunk per lazily imported command module, so `berth --help` parses a few kilobytes and nothing else.
//
// Why a config of its own rather than a fourth entry in electron.vite.config.ts: electron-vite's main
// build targets Electron's Node (newer than the CLI's Node 20.19 floor), externalizes every dependency
// and would share chunks between out/main and the CLI, so a change to either would reshape the other.
// This is a plain Vite SSR build (rolldown), chained after electron-vite in `npm run build`.
//
// undici and zod are bundled: the CLI then loads no CommonJS tree from node_modules at start-up
// (undici alone is ~100 files), and runs whatever npm's hoisting did. Their versions are the ones
// package-lock.json pinned at build time (a rebuild takes an update). @napi-rs/keyring is native and
// stays external: keychain-worker.ts require()s it on a worker thread from the installed package.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

export default defineConfig({
  publicDir: false,
  // Nothing in the CLI reads import.meta.env; keep Vite from defining a browser-ish one.
  envPrefix: 'BERTH_BUILD_',
  ssr: {
    target: 'node',
    noExternal: true,
    external: ['@napi-rs/keyring'],
  },
  build: {
    ssr: true,
    target: 'node20.19',
    outDir: resolve('out/cli'),
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      input: { berth: resolve('electron/doors/cli/cli.ts') },
      output: {
        format: 'esm',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
})
