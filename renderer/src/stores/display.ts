// The display the table, the keyboard handler and dialogs share: one computation per change of the
// tags store or the view (model/display-rows.ts).
import { useTags } from './tags'
import { useView } from './view'
import { computeDisplay, type Display } from '../model/display-rows'

export type { Display }

export function useDisplay(): Display {
  const tags = useTags((s) => s.tags)
  const rows = useTags((s) => s.rows)
  const q = useView((s) => s.q)
  const mode = useView((s) => s.mode)
  const sort = useView((s) => s.sort)
  const dir = useView((s) => s.dir)
  return computeDisplay(tags, rows, q, mode, sort, dir)
}

export function currentDisplay(): Display {
  const t = useTags.getState()
  const v = useView.getState()
  return computeDisplay(t.tags, t.rows, v.q, v.mode, v.sort, v.dir)
}
