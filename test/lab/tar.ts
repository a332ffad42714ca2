import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'

export interface TarEntry {
  path: string
  content: string | Buffer
  mode?: number
}

const BLOCK = 512

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  // Fixed-width, NUL-terminated octal as ustar requires (POSIX.1-1988 ustar header layout).
  header.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii')
}

function headerFor(path: string, size: number, mode: number, type: '0' | '5'): Buffer {
  if (Buffer.byteLength(path) > 100) throw new Error(`tar path too long for a plain ustar header: ${path}`)
  const header = Buffer.alloc(BLOCK)
  header.write(path, 0, 100, 'utf8')
  writeOctal(header, 100, 8, mode)
  writeOctal(header, 108, 8, 0) // uid
  writeOctal(header, 116, 8, 0) // gid
  writeOctal(header, 124, 12, size)
  // A fixed mtime keeps layers byte-identical across runs, so cached digests stay valid.
  writeOctal(header, 136, 12, 946684800)
  header.fill(' ', 148, 156) // checksum is computed with its own field as spaces
  header.write(type, 156, 1, 'ascii')
  header.write('ustar\u000000', 257, 8, 'ascii')
  header.write('root', 265, 32, 'ascii')
  header.write('root', 297, 32, 'ascii')
  let sum = 0
  for (const byte of header) sum += byte
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii')
  return header
}

/** A minimal ustar archive: directories are implied by their first file, like `tar` itself writes them. */
export function createTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = []
  const directories = new Set<string>()
  for (const entry of entries) {
    const segments = entry.path.split('/')
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join('/') + '/'
      if (directories.has(dir)) continue
      directories.add(dir)
      parts.push(headerFor(dir, 0, 0o755, '5'))
    }
    const body = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content, 'utf8')
    parts.push(headerFor(entry.path, body.length, entry.mode ?? 0o644, '0'), body)
    const padding = (BLOCK - (body.length % BLOCK)) % BLOCK
    if (padding > 0) parts.push(Buffer.alloc(padding))
  }
  parts.push(Buffer.alloc(BLOCK * 2)) // end-of-archive marker
  return Buffer.concat(parts)
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

export interface Layer {
  /** gzip-compressed tar, the blob that is pushed. */
  blob: Buffer
  digest: string
  /** sha256 of the uncompressed tar: the config's rootfs.diff_ids entry. */
  diffId: string
}

export function createLayer(entries: TarEntry[]): Layer {
  const tar = createTar(entries)
  const blob = gzipSync(tar, { level: 6 })
  return { blob, digest: sha256Digest(blob), diffId: sha256Digest(tar) }
}
