import { describe, expect, it } from 'vitest'
import {
  baseMediaType,
  dockerConfig,
  dockerManifest,
  dockerManifestList,
  dockerSchema1,
  dockerSchema1Signed,
  helmConfig,
  isImageConfigMediaType,
  isImageManifestMediaType,
  isIndexMediaType,
  manifestAcceptHeader,
  ociConfig,
  ociEmptyConfig,
  ociIndex,
  ociManifest,
} from '../../../electron/http/media-types'

describe('manifestAcceptHeader', () => {
  const accepted = manifestAcceptHeader.split(',').map((s) => s.trim())

  it('is one header value listing every manifest type once', () => {
    expect(new Set(accepted).size).toBe(accepted.length)
    expect(accepted).toEqual(expect.arrayContaining([ociManifest, ociIndex, dockerManifest, dockerSchema1Signed, dockerSchema1]))
  })

  it('includes the Docker manifest list, without which distribution returns the amd64 child for a tag', () => {
    expect(accepted).toContain(dockerManifestList)
  })

  it('lists no config or artifact types', () => {
    expect(accepted).not.toContain(ociConfig)
    expect(accepted).not.toContain(helmConfig)
  })
})

describe('media type helpers', () => {
  it.each([
    [ociIndex, 'index'],
    [dockerManifestList, 'index'],
    [ociManifest, 'image'],
    [dockerManifest, 'image'],
    [`${ociManifest}; charset=utf-8`, 'image'],
    [ociConfig, 'config'],
    [dockerConfig, 'config'],
    [helmConfig, 'none'],
    [ociEmptyConfig, 'none'],
    [dockerSchema1, 'none'],
    ['', 'none'],
  ])('classifies %s as %s', (mediaType, expected) => {
    const kind = isIndexMediaType(mediaType)
      ? 'index'
      : isImageManifestMediaType(mediaType)
        ? 'image'
        : isImageConfigMediaType(mediaType)
          ? 'config'
          : 'none'
    expect(kind).toBe(expected)
  })

  it('strips Content-Type parameters and case', () => {
    expect(baseMediaType(' Application/JSON ; charset=utf-8')).toBe('application/json')
    expect(baseMediaType(null)).toBe('')
  })
})
