import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { boundsToRestore, loadWindowState, saveWindowState, type WindowState } from '../../../electron/electron-window-state'

let directory: string

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'berth-window-state-'))
})

afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

describe('window state file', () => {
  it('reads back what it saved', async () => {
    const file = join(directory, 'nested', 'window-state.json')
    const state: WindowState = { x: 40, y: 30, width: 1000, height: 700, maximized: true }
    await saveWindowState(file, state)
    expect(await loadWindowState(file)).toEqual(state)
  })

  it('starts fresh when the file is missing', async () => {
    expect(await loadWindowState(join(directory, 'none.json'))).toBeNull()
  })

  it('starts fresh when the file is not JSON', async () => {
    const file = join(directory, 'window-state.json')
    await writeFile(file, '{"width": 10')
    expect(await loadWindowState(file)).toBeNull()
  })

  it('refuses sizes below the minimum or absurdly large', async () => {
    const file = join(directory, 'window-state.json')
    await writeFile(file, JSON.stringify({ width: 10, height: 10 }))
    expect(await loadWindowState(file)).toBeNull()
    await writeFile(file, JSON.stringify({ width: 1e9, height: 800 }))
    expect(await loadWindowState(file)).toBeNull()
  })

  it('leaves no temporary file behind', async () => {
    const file = join(directory, 'window-state.json')
    await saveWindowState(file, { width: 900, height: 600, maximized: false })
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ width: 900, height: 600, maximized: false })
    expect(await readdir(directory)).toEqual(['window-state.json'])
  })
})

describe('boundsToRestore', () => {
  const laptop = { x: 0, y: 0, width: 1920, height: 1080 }
  const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1440 }

  it('opens at the default size when nothing was saved', () => {
    expect(boundsToRestore(null, [laptop])).toBeUndefined()
  })

  it('restores place and size on a display that is still there', () => {
    const state = { x: 2000, y: 100, width: 1200, height: 800, maximized: false }
    expect(boundsToRestore(state, [laptop, rightMonitor])).toEqual({ x: 2000, y: 100, width: 1200, height: 800 })
  })

  it('keeps only the size when the display it was on is gone', () => {
    const state = { x: 2000, y: 100, width: 1200, height: 800, maximized: false }
    expect(boundsToRestore(state, [laptop])).toEqual({ width: 1200, height: 800 })
  })

  it('keeps only the size when the title bar would be above the screen', () => {
    const state = { x: 100, y: -500, width: 1200, height: 800, maximized: false }
    expect(boundsToRestore(state, [laptop])).toEqual({ width: 1200, height: 800 })
  })

  it('keeps only the size when no position was saved', () => {
    expect(boundsToRestore({ width: 900, height: 700, maximized: false }, [laptop])).toEqual({ width: 900, height: 700 })
  })
})
