// What users type as a registry address ("registry.example.com:5050", "localhost:5000/") becomes a
// profile URL: scheme + host[:port], no path. https unless the host is loopback, where registries
// usually run plain HTTP (docs/registry-notes.md "TLS": plain HTTP is allowed by default for loopback only).

const loopback = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/i

export function normalizeRegistryUrl(input: string): string {
  const text = input.trim().replace(/\/+$/, '')
  if (text === '') return ''
  if (/^https?:\/\//i.test(text)) {
    try {
      const url = new URL(text)
      return `${url.protocol}//${url.host}`
    } catch {
      return text
    }
  }
  const host = text.replace(/\/.*$/, '')
  return `${loopback.test(host) ? 'http' : 'https'}://${host}`
}
