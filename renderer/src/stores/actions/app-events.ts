// What main pushes to the whole app, apart from details rows (stores/tags.ts): a view to show (a
// berth:// link, a second launch), a pinned certificate that changed, and listings paging in.
import { onApiEvent, onNavigate } from '../../api/call'
import { useRepositories } from '../repositories'
import { followListingProgress } from '../listing-progress'
import { showToast } from '../toasts'
import { applyHash } from '../view'

/** Starts following main's pushes; returns the function that stops it. */
export function followAppEvents(): () => void {
  const stopNavigate = onNavigate(applyHash)
  // A pinned certificate that changed is a security event: say so loudly and re-list, which shows
  // the tls_changed error (with both fingerprints) where the user can act on it.
  const stopCertificate = onApiEvent('certificateChanged', ({ registryId, certificate }) => {
    showToast({
      kind: 'error',
      title: 'A registry certificate changed',
      detail: `${certificate.subject} — SHA-256 ${certificate.fingerprint256}`,
    })
    void useRepositories.getState().load(registryId, true)
  })
  const stopListing = followListingProgress()
  return () => {
    stopNavigate()
    stopCertificate()
    stopListing()
  }
}
