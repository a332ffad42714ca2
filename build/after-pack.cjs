// electron-builder afterPack hook: flip Electron's fuses in the packaged binary, before signing, so
// the shipped app cannot be turned into a general-purpose Node runtime or debugger and loads only
// its own (integrity-checked) app.asar. https://www.electronjs.org/docs/latest/tutorial/fuses
// CommonJS because electron-builder require()s its hooks.
'use strict'

const path = require('node:path')

/** @param {import('app-builder-lib').AfterPackContext} context */
exports.default = async function afterPack(context) {
  let fuses
  try {
    fuses = require('@electron/fuses')
  } catch {
    console.warn('  • @electron/fuses is not installed: Electron fuses left at their defaults')
    return
  }
  const { flipFuses, FuseVersion, FuseV1Options } = fuses
  const productFilename = context.packager.appInfo.productFilename
  const platform = context.electronPlatformName
  const binary =
    platform === 'darwin' || platform === 'mas'
      ? path.join(context.appOutDir, `${productFilename}.app`)
      : platform === 'win32'
        ? path.join(context.appOutDir, `${productFilename}.exe`)
        : path.join(context.appOutDir, context.packager.executableName)

  await flipFuses(binary, {
    version: FuseVersion.V1,
    // arm64 macOS refuses to run a binary whose ad-hoc signature no longer matches.
    resetAdHocDarwinSignature: platform === 'darwin' && context.arch === 3 /* Arch.arm64 */,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // GrantFileProtocolExtraPrivileges stays on: the renderer is loaded from file://, and without
    // those privileges Chromium's CORS rules block its own <script type="module"> bundles.
  })
  console.log(`  • Electron fuses flipped in ${binary}`)
}
