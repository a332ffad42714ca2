// A name or text that came from a registry, shown as what it is: bidi controls, zero-width and
// control characters appear as marked escapes (shared/visible-text.ts) instead of reordering or
// hiding the text around them. The exact string is still what every action uses.
import { visibleSegments } from '../../../shared/visible-text'
import './registry-text.css'

export function RegistryText({ text }: { text: string }) {
  const segments = visibleSegments(text)
  if (segments.length === 1 && segments[0]?.escaped === false) return <>{text}</>
  return (
    <>
      {segments.map((segment, index) =>
        segment.escaped ? (
          <span key={index} className="escaped-char" title="An invisible or control character in the name">
            {segment.text}
          </span>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
    </>
  )
}
