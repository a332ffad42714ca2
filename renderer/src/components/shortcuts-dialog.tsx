// `?`: the keyboard shortcuts, from the same list the handler documents (use-keyboard-shortcuts.ts).
import { Fragment } from 'react'
import { Modal } from './modal'
import { shortcuts } from './use-keyboard-shortcuts'
import './shortcuts-dialog.css'

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal
      title="Keyboard shortcuts"
      description="They work while you are not typing in a field; from the tag filter, ↓ and Enter move into the table."
      onClose={onClose}
    >
      <div className="shortcuts">
        {shortcuts.map(({ section, items }) => (
          <section key={section} aria-label={section}>
            <h3 className="shortcuts-section">{section}</h3>
            <dl className="shortcuts-list">
              {items.map((item) => (
                <Fragment key={item.what}>
                  <dt>
                    {item.keys.map((combo, at) => (
                      <Fragment key={combo.join('+')}>
                        {at > 0 ? <span className="shortcuts-or">or</span> : null}
                        {combo.map((key) => (
                          <kbd key={key} className="key">
                            {key}
                          </kbd>
                        ))}
                      </Fragment>
                    ))}
                  </dt>
                  <dd>{item.what}</dd>
                </Fragment>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Modal>
  )
}
