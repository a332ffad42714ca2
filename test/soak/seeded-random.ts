// A small seeded PRNG (mulberry32) so a soak run's fault schedule can be replayed with `--seed`.
// Math.random cannot be seeded; the schedule must not depend on timing, only on the seed and the
// order in which the soak asks for numbers.

export interface SeededRandom {
  readonly seed: number
  /** A float in [0, 1). */
  next(): number
  /** A whole number in [low, high], both included. */
  between(low: number, high: number): number
  /** True with probability `probability`. */
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
  /** Picks by weight: entries with a higher weight come up proportionally more often. */
  weighted<T>(entries: readonly { weight: number; value: T }[]): T
  /** Up to `count` distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[]
}

export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = state
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296
  }
  const between = (low: number, high: number): number => low + Math.floor(next() * (high - low + 1))
  return {
    seed,
    next,
    between,
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[between(0, items.length - 1)] as T
    },
    weighted<T>(entries: readonly { weight: number; value: T }[]): T {
      const total = entries.reduce((sum, entry) => sum + entry.weight, 0)
      let point = next() * total
      for (const entry of entries) {
        point -= entry.weight
        if (point < 0) return entry.value
      }
      const last = entries[entries.length - 1]
      if (last === undefined) throw new Error('weighted pick from an empty list')
      return last.value
    },
    sample<T>(items: readonly T[], count: number): T[] {
      const copy = [...items]
      // Fisher–Yates, stopped once `count` items are in place.
      const wanted = Math.min(count, copy.length)
      for (let index = 0; index < wanted; index++) {
        const swap = between(index, copy.length - 1)
        const held = copy[index] as T
        copy[index] = copy[swap] as T
        copy[swap] = held
      }
      return copy.slice(0, wanted)
    },
  }
}
