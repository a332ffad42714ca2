// Adding or editing a registry, as every door says it: what the connect check found (the app's
// dialog and `berth login` both refuse credentials the registry refuses, before anything is
// saved), what a GitLab token may do, and the words for the hosts a registry sends Berth to.
import type { HostTrust, RegistryView } from './types'

/** GitLab's token scopes, by what they allow in Berth (GitLab "Personal access token scopes"). */
export const gitlabScopes = {
  /** Pull through the registry: browse tags and details. */
  browse: ['read_registry'],
  /** List the repositories of the user's groups and projects through the REST API. */
  list: ['read_api', 'api'],
  /** Delete tags: through the registry (write_registry) or the REST API (api). */
  delete: ['write_registry', 'api'],
} as const

/** What GitLab's API said about the token the user gave (electron/providers/gitlab/gitlab-token-check.ts). */
export interface GitlabTokenReport {
  /** The GitLab instance the token was checked against. */
  instanceUrl: string
  /**
   * personal: a personal, project or group access token (GitLab's API described it);
   * deploy: the registry accepted it but the API does not know it (a deploy token);
   * job: a CI job token (user gitlab-ci-token), which works only while its job runs.
   */
  kind: 'personal' | 'deploy' | 'job'
  /** The token's scopes, when the API told them. */
  scopes: string[] | null
  /** Repositories can be listed through the API (read_api or api); otherwise add them by name. */
  canList: boolean
  /** Tags can be deleted (write_registry or api); null when GitLab did not say. */
  canDelete: boolean | null
  /** YYYY-MM-DD, when the API told it. */
  expiresAt?: string | null
}

/** The answer of connectRegistry: the saved registry and what was checked before saving it. */
export interface ConnectResult {
  view: RegistryView
  /**
   * open: the registry needs no sign-in; anonymous: it let Berth in without credentials (a token
   * for anonymous pulls); signed-in: it accepted the credentials given (or stored).
   */
  access: 'open' | 'anonymous' | 'signed-in'
  gitlab?: GitlabTokenReport
}

/** "token server", "GitLab API": how the trust step and the CLI name a host's role. */
export function hostRoleLabel(role: HostTrust['role']): string {
  switch (role) {
    case 'registry':
      return 'registry'
    case 'token-realm':
      return 'token server'
    case 'gitlab-api':
      return 'GitLab API'
  }
}

/** One sentence on what a GitLab token may do here, for the app's toast and `berth login`. */
export function describeGitlabToken(report: GitlabTokenReport): string {
  if (report.kind === 'job') return 'A CI job token: it works only while its job runs.'
  if (report.kind === 'deploy') {
    return (
      'GitLab accepted it for the registry but its API does not know it (a deploy token): ' +
      'add repositories by name; deleting needs the write_registry scope.'
    )
  }
  const scopes = report.scopes ?? []
  const can = ['browse']
  if (report.canList) can.push('list your repositories')
  if (report.canDelete === true) can.push('delete tags')
  const missing: string[] = []
  if (!report.canList) missing.push('read_api to list repositories (until then, add them by name)')
  if (report.canDelete === false) missing.push('write_registry or api to delete')
  const expiry = report.expiresAt ? `; expires ${report.expiresAt}` : ''
  return (
    `Personal access token (${scopes.join(', ') || 'no scopes'}${expiry}): can ${can.join(', ')}.` +
    (missing.length > 0 ? ` It needs ${missing.join('; ')}.` : '')
  )
}

const certificateProblems: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issued by a CA this system does not know',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issued by a CA this system does not know',
  UNABLE_TO_GET_ISSUER_CERT: 'issued by a CA this system does not know',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a CA this system does not know',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'issued for another host name',
  HOSTNAME_MISMATCH: 'issued for another host name',
}

/** Why a certificate is not trusted, in words, with OpenSSL's code kept for whoever searches it. */
export function describeCertificateProblem(problem: string): string {
  const words = certificateProblems[problem]
  return words === undefined ? problem : `${words} (${problem})`
}

/** The token cannot do everything Berth offers on GitLab: the dialog says what, before it closes. */
export function gitlabTokenIsLimited(report: GitlabTokenReport): boolean {
  return report.kind !== 'personal' || !report.canList || report.canDelete !== true
}
