// What users type as an address ("gitlab.example.com", "localhost:8080/") becomes a URL: scheme +
// host[:port], no path. The scheme typed is kept; a bare address becomes https, for loopback too:
// the one rule of shared/registry-address.ts (plain http only as a fallback, decided by main).
import { planRegistryAddress } from '../../../shared/registry-address'

export function normalizeRegistryUrl(input: string): string {
  const text = input.trim().replace(/\/+$/, '')
  if (text === '') return ''
  return planRegistryAddress(text, { insecure: false })?.first ?? text
}
