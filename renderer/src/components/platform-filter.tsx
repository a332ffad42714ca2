// The toolbar's platform filter: a compact select of the platforms the repository's rows name so
// far (they arrive with the details), kept in the view's URL state like the text filter.
import { platformsSeen } from '../model/platform-filter'
import { useTags } from '../stores/tags'
import './platform-filter.css'

export function PlatformFilter({ platform, onChange }: { platform: string; onChange: (platform: string) => void }) {
  const seen = useTags((s) => platformsSeen(s.rows))
  // A link may name a platform no row has shown yet: it stays selectable, and selected.
  const options = platform !== '' && !seen.includes(platform) ? [platform, ...seen] : seen
  if (options.length === 0) return null
  return (
    <label className={platform === '' ? 'platform-control' : 'platform-control active'}>
      <span>Platform</span>
      <select
        className="select"
        value={platform}
        aria-label="Show only tags that offer this platform"
        title="Show only tags that offer this platform (an index with an image for it, or a single image of it)"
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">All</option>
        {options.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </label>
  )
}
