// What a deletion frees, as the delete dialog and the cleanup review show it before anyone confirms
// (issue 21 §3). The figures come from the core (shared/usage.ts StorageEffect); this only words them.
import type { StorageEffect } from '../../../shared/usage'
import { formatBytes } from '../../../shared/format'
import './storage-effect.css'

interface StorageEffectProps {
  freesBytes: number | null | undefined
  keptBytes: number | null | undefined
  storage: StorageEffect | null | undefined
}

/** The headline: "Frees N after garbage collection; M stay used by kept tags". */
export function storageHeadline(freesBytes: number, keptBytes: number, storage: StorageEffect | null | undefined): string {
  const byOthers = storage?.keptByOtherRepositoriesBytes ?? 0
  const keepers =
    byOthers >= keptBytes && byOthers > 0 ? 'other repositories' : byOthers > 0 ? 'kept tags and other repositories' : 'kept tags'
  const kept = keptBytes > 0 ? `; ${formatBytes(keptBytes)} stay used by ${keepers}` : ''
  return `Frees ${formatBytes(freesBytes)} after garbage collection${kept}.`
}

/**
 * The core's note repeats the headline's figures in its own words ("Frees … once garbage collection
 * runs…"): drop that sentence so the dialog says it once. Byte figures contain dots ("1.23 MB"), so
 * a sentence ends only at a dot followed by a space or the end. The "frees nothing: the image stays
 * tagged" sentences are said beside each tag (delete dialog) or under "Images that stay tagged" (cleanup).
 */
export function noteWithoutHeadline(note: string): string {
  return note
    .replace(/Frees .*? once garbage collection runs.*?\.(?=\s|$)\s*/, '')
    .replace(/Deleting only the tag .*? frees nothing by itself: .*?\.(?=\s|$)\s*/g, '')
    .trim()
}

export function StorageEffectView({
  freesBytes,
  keptBytes,
  storage,
  allStillTagged = false,
}: StorageEffectProps & { allStillTagged?: boolean }) {
  // Older cores (and the plan before review) carry no storage figures: say nothing rather than guess.
  if (freesBytes === undefined && storage === undefined) return null
  const note = storage ? noteWithoutHeadline(storage.note) : ''
  // Every tag that goes leaves its image tagged: the honest headline is that nothing is freed.
  const nothing = freesBytes === 0 && allStillTagged
  return (
    <div className="storage-effect" data-testid="storage-effect">
      {typeof freesBytes === 'number' && typeof keptBytes === 'number' ? (
        <p className="storage-effect-headline">
          {nothing ? 'Frees nothing: every image stays tagged.' : storageHeadline(freesBytes, keptBytes, storage)}
        </p>
      ) : (
        <p className="storage-effect-headline">Berth could not work out what this frees.</p>
      )}
      {note ? <p className="storage-effect-note">{note}</p> : null}
    </div>
  )
}

/** Who frees the disk: the registry-specific advice when the core sent it, else the general sentence. */
export function garbageCollectionText(storage: StorageEffect | null | undefined, fallback: string): string {
  return storage?.garbageCollection || fallback
}
