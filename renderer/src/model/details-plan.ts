// Which tags the next getTagDetails call asks for: visible rows first, then the rest in table order
// so sorting by date or size eventually covers every tag. Pure; the store runs the calls.

export const detailsBatchSize = 50
export const detailsConcurrency = 3

export interface PlanInput {
  /** Every tag, in the order the table shows them. */
  order: readonly string[]
  /** Tags on screen now (plus overscan). */
  visible: readonly string[]
  /** Loaded (ok or failed) or in flight: skip these. */
  skip: (tag: string) => boolean
  size?: number
}

export function nextDetailsBatch({ order, visible, skip, size = detailsBatchSize }: PlanInput): string[] {
  const batch: string[] = []
  const taken = new Set<string>()
  for (const list of [visible, order]) {
    for (const tag of list) {
      if (batch.length >= size) return batch
      if (taken.has(tag) || skip(tag)) continue
      taken.add(tag)
      batch.push(tag)
    }
  }
  return batch
}
