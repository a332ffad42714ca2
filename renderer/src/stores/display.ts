// The display the table, the keyboard handler and dialogs share: one computation per change of the
// tags store or the view (model/display-rows.ts).
import { useTags } from './tags'
import { useView } from './view'
import { computeDisplay, type Display } from '../model/display-rows'
import { filterByPlatform } from '../model/platform-filter'
import { useReferrerView, viewFor } from './referrer-view'

export type { Display }

export function useDisplay(): Display {
  const tags = useTags((s) => s.tags)
  const rows = useTags((s) => s.rows)
  const q = useView((s) => s.q)
  const mode = useView((s) => s.mode)
  const sort = useView((s) => s.sort)
  const dir = useView((s) => s.dir)
  const key = useTags((s) => `${s.registryId ?? ''}/${s.repository ?? ''}`)
  const referrerView = useReferrerView((s) => viewFor(s, key))
  const platform = useView((s) => s.platform)
  return filterByPlatform(computeDisplay(tags, rows, q, mode, sort, dir, referrerView), platform)
}

export function currentDisplay(): Display {
  const t = useTags.getState()
  const v = useView.getState()
  const referrerView = viewFor(useReferrerView.getState(), `${t.registryId ?? ''}/${t.repository ?? ''}`)
  return filterByPlatform(computeDisplay(t.tags, t.rows, v.q, v.mode, v.sort, v.dir, referrerView), v.platform)
}
