// Berth's mark: stacked containers at a quay. Inline SVG (CSP allows no external icon font).
import './brand-mark.css'

export function BrandMark({ size = 20 }: { size?: number }) {
  return (
    <svg className="brand-mark" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="brand-bg" />
      <rect x="7" y="8" width="8" height="6" rx="1.2" className="brand-box a" />
      <rect x="17" y="8" width="8" height="6" rx="1.2" className="brand-box b" />
      <rect x="7" y="15.5" width="18" height="6" rx="1.2" className="brand-box c" />
      <path d="M5 25.5h22" className="brand-quay" />
    </svg>
  )
}
