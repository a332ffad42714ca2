// What confirming a delete preview means, the same for the CLI and the dialog: every tag that will
// disappear, with the digest the preview showed for it. For a delete by digest that is the picked
// tags and every other tag on their digests; the session refuses if the registry now differs
// (electron/session/delete-safety.ts).
import type { DeletePreview } from './types'

export function confirmationFor(preview: DeletePreview): Record<string, string> {
  const expected: Record<string, string> = {}
  for (const item of preview.items) {
    expected[item.tag] = item.digest
    for (const sibling of item.alsoRemoved) expected[sibling] = item.digest
  }
  return expected
}
