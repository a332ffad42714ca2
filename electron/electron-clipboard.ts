// Electron's clipboard as the engine's ClipboardPort (electron/session/secret-clipboard.ts, where
// the clear-after logic lives and is unit-tested): the only module that touches the real clipboard.
import { clipboard } from 'electron'
import type { ClipboardPort } from './session/secret-clipboard'

export const electronClipboard: ClipboardPort = {
  readText: () => clipboard.readText(),
  writeText: (text) => clipboard.writeText(text),
  clear: () => clipboard.clear(),
}
