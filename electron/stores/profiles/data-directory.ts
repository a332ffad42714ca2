// Where Berth keeps profiles, caches and the audit log when Electron does not choose (CLI, web mode).
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * `$BERTH_DATA_DIR`, else the platform's per-user configuration directory: XDG on Linux
 * (`$XDG_CONFIG_HOME/berth`, default `~/.config/berth`), `~/Library/Application Support/Berth` on
 * macOS, `%APPDATA%/Berth` on Windows — the same places Electron's `userData` resolves to.
 */
export function defaultDataDirectory(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const override = env.BERTH_DATA_DIR
  if (override !== undefined && override.length > 0) return override
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Berth')
  if (platform === 'win32') {
    const appData = env.APPDATA
    return join(appData !== undefined && appData.length > 0 ? appData : join(home, 'AppData', 'Roaming'), 'Berth')
  }
  // XDG Base Directory spec: a relative $XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.config'), 'berth')
}
