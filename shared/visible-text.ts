// Registry-supplied text (tag and repository names, error messages, labels) shown to a person must
// look like what it is. Control characters would drive the terminal, a newline would fake a second
// row, U+202E (right-to-left override) makes `rtl\u202eexe.txt` read "rtltxt.exe", and zero-width
// characters make two different names look alike. This makes each of them visible as an escape;
// the exact string stays available to scripts (`--json`) and to every request Berth makes.

/** C0 and C1 controls and DEL, line/paragraph separators, bidi controls, zero-width and other invisible format characters. */
const invisible =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]/gu

const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** `x\nprod` → `x\\nprod`, `rtl\u202eexe` → `rtl\\u202eexe`: every invisible or controlling character as an escape. */
export function escapeInvisible(text: string): string {
  return text.replace(invisible, escapeOf)
}

export function hasInvisible(text: string): boolean {
  invisible.lastIndex = 0
  const found = invisible.test(text)
  invisible.lastIndex = 0
  return found
}

/** The text cut into plain runs and escaped characters, for a UI that marks the escapes. */
export function visibleSegments(text: string): { text: string; escaped: boolean }[] {
  const segments: { text: string; escaped: boolean }[] = []
  let last = 0
  for (const match of text.matchAll(invisible)) {
    const at = match.index
    if (at > last) segments.push({ text: text.slice(last, at), escaped: false })
    segments.push({ text: escapeOf(match[0]), escaped: true })
    last = at + match[0].length
  }
  if (last < text.length) segments.push({ text: text.slice(last), escaped: false })
  return segments
}

function escapeOf(character: string): string {
  return named[character] ?? `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`
}
