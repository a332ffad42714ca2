// The one place errors are rendered: what went wrong (the core names the cause), what to do about
// it, and a Retry when the caller can offer one. Messages come from registries: text only.
import type { ReactNode } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import './error-view.css'

const titles: Partial<Record<BerthErrorData['code'], string>> = {
  unauthorized: 'Sign-in needed',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  delete_disabled: 'Deleting is disabled on this registry',
  tls_untrusted: 'Certificate not trusted',
  tls_changed: 'Certificate changed',
  rate_limited: 'Rate limited',
  network: 'Cannot reach the registry',
  timeout: 'The registry did not answer in time',
  server_error: 'The registry failed',
  keychain_unavailable: 'Keychain unavailable',
}

export function errorTitle(error: BerthErrorData): string {
  return titles[error.code] ?? 'Something went wrong'
}

interface ErrorViewProps {
  error: BerthErrorData
  onRetry?: () => void
  /** Extra actions next to Retry (e.g. "Sign in", "Add repository by name"). */
  children?: ReactNode
  compact?: boolean
}

export function ErrorView({ error, onRetry, children, compact = false }: ErrorViewProps) {
  return (
    <div className={compact ? 'error-view compact' : 'error-view'} role="alert">
      <div className="error-icon" aria-hidden="true">
        !
      </div>
      <div className="error-text">
        <div className="error-title">{errorTitle(error)}</div>
        <p className="error-message" dir="auto">
          {error.message}
        </p>
        {error.fix ? (
          <p className="error-fix" dir="auto">
            {error.fix}
          </p>
        ) : null}
        {error.retryAfterSeconds !== undefined ? <p className="error-fix">Try again in {error.retryAfterSeconds} s.</p> : null}
        {onRetry || children ? (
          <div className="error-actions">
            {onRetry ? (
              <button type="button" className="button" onClick={onRetry}>
                Retry
              </button>
            ) : null}
            {children}
          </div>
        ) : null}
      </div>
    </div>
  )
}
