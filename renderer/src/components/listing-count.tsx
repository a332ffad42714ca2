// "1,200 tags so far (page 3)" while a listing pages in: shown by the views that wait for one.
import { useEffect } from 'react'
import { listingKey, useListingProgress } from '../stores/listing-progress'
import './listing-count.css'

interface ListingCountProps {
  registryId: string
  /** null: the registry's repositories. */
  repository: string | null
  noun: 'tags' | 'repositories'
}

export function ListingCount({ registryId, repository, noun }: ListingCountProps) {
  const key = listingKey(registryId, repository)
  const count = useListingProgress((s) => s.counts[key])
  // Mounted while the listing runs: whatever an earlier listing left is not this one's count.
  useEffect(() => {
    const { clear } = useListingProgress.getState()
    clear(key)
    return () => clear(key)
  }, [key])
  return (
    <p className="listing-count" role="status" aria-live="polite">
      {count === undefined ? (
        `Listing ${noun}…`
      ) : (
        <>
          Listing {noun}… <strong>{count.items.toLocaleString('en')}</strong> so far
          {count.pages > 1 ? <span className="muted"> ({count.pages.toLocaleString('en')} pages)</span> : null}
        </>
      )}
    </p>
  )
}
