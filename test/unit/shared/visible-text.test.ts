import { describe, expect, it } from 'vitest'
import { escapeInvisible, hasInvisible, visibleSegments } from '../../../shared/visible-text'

describe('escapeInvisible', () => {
  it.each([
    ['x\nprod', 'x\\nprod'],
    ['a\tb\rc', 'a\\tb\\rc'],
    ['rtl\u202eexe.txt', 'rtl\\u202eexe.txt'],
    ['zero\u200bwidth\ufeff', 'zero\\u200bwidth\\ufeff'],
    ['isolate\u2066x\u2069', 'isolate\\u2066x\\u2069'],
    ['line\u2028para\u2029', 'line\\u2028para\\u2029'],
    ['esc\u001b[31mred', 'esc\\u001b[31mred'],
    ['nul\u0000c1\u009b', 'nul\\u0000c1\\u009b'],
  ])('shows %j as %j', (input, expected) => {
    expect(escapeInvisible(input)).toBe(expected)
  })

  it('leaves ordinary text, accents and other scripts alone', () => {
    for (const text of ['1.4.2', 'café', 'תג', 'タグ', 'emoji-🚢']) expect(escapeInvisible(text)).toBe(text)
  })

  it('says whether a text has anything to escape, repeatedly', () => {
    expect(hasInvisible('rtl\u202e')).toBe(true)
    expect(hasInvisible('rtl\u202e')).toBe(true)
    expect(hasInvisible('plain')).toBe(false)
  })

  it('cuts text into plain runs and escapes for the UI', () => {
    expect(visibleSegments('a\u202eb')).toEqual([
      { text: 'a', escaped: false },
      { text: '\\u202e', escaped: true },
      { text: 'b', escaped: false },
    ])
    expect(visibleSegments('plain')).toEqual([{ text: 'plain', escaped: false }])
  })
})
