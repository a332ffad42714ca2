// What a tag may be (OCI distribution-spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`), and in words what
// is wrong with one that is not: a registry can list any string, and one bad name must fail its own
// row with a reason, not the whole batch.
export const tagNamePattern = /^\w[\w.-]{0,127}$/

export function isValidTagName(name: string): boolean {
  return tagNamePattern.test(name)
}

/** Why `name` is not a valid tag, or null when it is. Characters are named by code point, never printed raw. */
export function whyNotATagName(name: string): string | null {
  if (isValidTagName(name)) return null
  if (name.length === 0) return 'it is empty'
  if (name.length > 128) return `it is ${name.length} characters long (at most 128)`
  const first = name.codePointAt(0) ?? 0
  if (!/\w/.test(String.fromCodePoint(first))) return `it starts with ${describeCharacter(first)} (a tag starts with a letter, digit or _)`
  for (const character of name) {
    if (!/[\w.-]/.test(character))
      return `it contains ${describeCharacter(character.codePointAt(0) ?? 0)} (allowed: letters, digits, _ . -)`
  }
  return 'it does not match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}'
}

function describeCharacter(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
  const printable = codePoint > 0x20 && codePoint < 0x7f
  return printable ? `"${String.fromCodePoint(codePoint)}" (${hex})` : hex
}
