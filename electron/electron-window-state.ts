// Remembers the window's size and place between runs in a small JSON file in userData. The file is
// read back through zod (a file is a trust boundary) and the bounds are only reused when they still
// land on a connected display, so a disconnected monitor cannot open the window off-screen.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { minimumWindowSize, type WindowBounds } from './window-options'

const savedStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(minimumWindowSize.width).max(20_000),
  height: z.number().int().min(minimumWindowSize.height).max(20_000),
  maximized: z.boolean().default(false),
})

export type WindowState = z.output<typeof savedStateSchema>

export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

export async function loadWindowState(file: string): Promise<WindowState | null> {
  try {
    const parsed = savedStateSchema.safeParse(JSON.parse(await readFile(file, 'utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    // Missing or corrupt: start with the default size.
    return null
  }
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  // Write then rename, so a crash mid-write leaves the previous state rather than half a file.
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(state)}\n`, 'utf8')
  await rename(temporary, file)
}

/**
 * The bounds to open with: the saved ones when their title bar area is visible on one of the
 * displays' work areas, the saved size alone (centred by the OS) when not, the default when none.
 */
export function boundsToRestore(state: WindowState | null, workAreas: readonly Rectangle[]): WindowBounds | undefined {
  if (state === null) return undefined
  const size = { width: state.width, height: state.height }
  if (state.x === undefined || state.y === undefined) return size
  const titleBar = { x: state.x, y: state.y, width: state.width, height: 40 }
  const visible = workAreas.some((area) => overlap(titleBar, area) >= 0.25 * titleBar.width * titleBar.height)
  return visible ? { ...size, x: state.x, y: state.y } : size
}

function overlap(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return width > 0 && height > 0 ? width * height : 0
}
