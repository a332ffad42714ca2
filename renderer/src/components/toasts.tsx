import { useToasts } from '../stores/toasts'
import { CloseIcon } from './icons'
import './toasts.css'

export function Toasts() {
  const toasts = useToasts((s) => s.toasts)
  const dismiss = useToasts((s) => s.dismiss)
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`}>
          <span className="toast-icon" aria-hidden="true">
            {t.kind === 'success' ? '✓' : t.kind === 'error' ? '!' : 'i'}
          </span>
          <div className="toast-body">
            <div className="toast-title">{t.title}</div>
            {t.detail ? (
              <div className="toast-detail mono" dir="auto">
                {t.detail}
              </div>
            ) : null}
          </div>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  )
}
