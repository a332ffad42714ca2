// Manifest, config and artifact media types (OCI image-spec media-types.md, Docker image
// manifest v2 schema 2, Helm and cosign conventions).

export const ociManifest = 'application/vnd.oci.image.manifest.v1+json'
export const ociIndex = 'application/vnd.oci.image.index.v1+json'
export const ociConfig = 'application/vnd.oci.image.config.v1+json'
/** OCI 1.1 empty descriptor content `{}`, used as config by artifacts. */
export const ociEmptyConfig = 'application/vnd.oci.empty.v1+json'
export const ociLayerTar = 'application/vnd.oci.image.layer.v1.tar'
export const ociLayerGzip = 'application/vnd.oci.image.layer.v1.tar+gzip'
export const ociLayerZstd = 'application/vnd.oci.image.layer.v1.tar+zstd'
export const ociLayerNondistributableGzip = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip'

export const dockerManifest = 'application/vnd.docker.distribution.manifest.v2+json'
export const dockerManifestList = 'application/vnd.docker.distribution.manifest.list.v2+json'
export const dockerConfig = 'application/vnd.docker.container.image.v1+json'
export const dockerLayerGzip = 'application/vnd.docker.image.rootfs.diff.tar.gzip'
export const dockerForeignLayerGzip = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'
export const dockerSchema1 = 'application/vnd.docker.distribution.manifest.v1+json'
export const dockerSchema1Signed = 'application/vnd.docker.distribution.manifest.v1+prettyjws'

export const helmConfig = 'application/vnd.cncf.helm.config.v1+json'
export const helmChartLayer = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip'
export const cosignSignatureLayer = 'application/vnd.dev.cosign.simplesigning.v1+json'
export const cosignArtifactSignature = 'application/vnd.dev.cosign.artifact.sig.v1+json'
export const inTotoLayer = 'application/vnd.in-toto+json'

/**
 * One Accept value for every manifest GET/HEAD/DELETE-resolution. The Docker list type is
 * essential: distribution answers a tag fetch without it with the amd64 child (and its digest),
 * so a delete "by the tag's digest" would remove the child instead of the index. Schema1 is listed
 * only so old images are recognised instead of converted.
 */
export const manifestAcceptHeader = [ociManifest, ociIndex, dockerManifest, dockerManifestList, dockerSchema1Signed, dockerSchema1].join(
  ', ',
)

export const indexMediaTypes: readonly string[] = [ociIndex, dockerManifestList]
export const imageManifestMediaTypes: readonly string[] = [ociManifest, dockerManifest]
export const imageConfigMediaTypes: readonly string[] = [ociConfig, dockerConfig]
export const schema1MediaTypes: readonly string[] = [dockerSchema1, dockerSchema1Signed]

/** `application/x; charset=utf-8` → `application/x` (Content-Type parameters are not part of the type). */
export function baseMediaType(value: string | null | undefined): string {
  return (value ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

export function isIndexMediaType(mediaType: string | null | undefined): boolean {
  return indexMediaTypes.includes(baseMediaType(mediaType))
}

export function isImageManifestMediaType(mediaType: string | null | undefined): boolean {
  return imageManifestMediaTypes.includes(baseMediaType(mediaType))
}

export function isImageConfigMediaType(mediaType: string | null | undefined): boolean {
  return imageConfigMediaTypes.includes(baseMediaType(mediaType))
}

export function isSchema1MediaType(mediaType: string | null | undefined): boolean {
  return schema1MediaTypes.includes(baseMediaType(mediaType))
}

export function isManifestMediaType(mediaType: string | null | undefined): boolean {
  return isIndexMediaType(mediaType) || isImageManifestMediaType(mediaType) || isSchema1MediaType(mediaType)
}
