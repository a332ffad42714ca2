import { describe, expect, it } from 'vitest'
import { clickRow, emptySelection, moveFocus, pruneSelection, selectedInOrder } from '../../../renderer/src/model/selection'

const order = ['a', 'b', 'c', 'd', 'e']
const list = (s: { selected: ReadonlySet<string> }) => [...s.selected].sort()

describe('tag selection', () => {
  it('selects only the clicked row on a plain click', () => {
    const s = clickRow(clickRow(emptySelection, order, 'a'), order, 'c')
    expect(list(s)).toEqual(['c'])
    expect(s.focus).toBe('c')
  })

  it('selects the range from the anchor on shift-click, in either direction', () => {
    const s = clickRow(clickRow(emptySelection, order, 'd'), order, 'b', { shift: true })
    expect(list(s)).toEqual(['b', 'c', 'd'])
    expect(s.anchor).toBe('d')
  })

  it('toggles single rows on ctrl/cmd-click without losing the others', () => {
    let s = clickRow(emptySelection, order, 'a')
    s = clickRow(s, order, 'c', { toggle: true })
    expect(list(s)).toEqual(['a', 'c'])
    s = clickRow(s, order, 'a', { toggle: true })
    expect(list(s)).toEqual(['c'])
  })

  it('adds a range to the selection on ctrl+shift-click', () => {
    let s = clickRow(emptySelection, order, 'a')
    s = clickRow(s, order, 'c', { toggle: true })
    s = clickRow(s, order, 'e', { shift: true, toggle: true })
    expect(list(s)).toEqual(['a', 'c', 'd', 'e'])
  })

  it('moves the focus with the keyboard and stops at the ends', () => {
    let s = moveFocus(emptySelection, order, 1)
    expect(s.focus).toBe('a')
    s = moveFocus(s, order, -1)
    expect(s.focus).toBe('a')
    s = moveFocus(moveFocus(s, order, 10), order, 1)
    expect(s.focus).toBe('e')
    expect(list(s)).toEqual(['e'])
  })

  it('extends the selection with shift+arrow', () => {
    let s = clickRow(emptySelection, order, 'b')
    s = moveFocus(s, order, 1, true)
    s = moveFocus(s, order, 1, true)
    expect(list(s)).toEqual(['b', 'c', 'd'])
  })

  it('drops tags that disappeared after a refresh', () => {
    const s = pruneSelection(clickRow(clickRow(emptySelection, order, 'a'), order, 'c', { shift: true }), ['a', 'c'])
    expect(list(s)).toEqual(['a', 'c'])
    expect(s.focus).toBe('c')
  })

  it('lists the selection in display order', () => {
    const s = clickRow(clickRow(emptySelection, order, 'e'), order, 'a', { toggle: true })
    expect(selectedInOrder(s, order)).toEqual(['a', 'e'])
  })
})
