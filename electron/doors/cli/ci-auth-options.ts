// `berth ci-auth`'s usage lines and flags, apart from ci-auth-command.ts so that cli.ts can parse
// arguments and print --help without loading the command.

export const ciAuthUsage = `  berth ci-auth  <registry> --format kubectl|secret-yaml|image-pull-secrets|docker-auth-config|
                                   docker-login|podman-auth|gitlab-ci
                 [--name NAME] [--namespace NS] [--image REPO[:TAG|@DIGEST]] [--placeholders]
                 [--credential login|saved] [--username U --password-stdin] [--save-credential]
                 [--create-deploy-token project:PATH|group:PATH [--token-name N] [--expires YYYY-MM-DD]]
                 [--show-secret]
                                                   pull credentials for CI and Kubernetes, printed to stdout
                                                   (never to a terminal with a real secret unless --show-secret;
                                                   nothing is written to disk)`

export const ciAuthOptionsUsage = `  --placeholders         ci-auth: $CI_DEPLOY_USER / $CI_DEPLOY_PASSWORD instead of the real secret
  --show-secret          ci-auth: print a real secret even when stdout is a terminal`

export const ciAuthOptions = {
  name: { type: 'string' },
  namespace: { type: 'string' },
  image: { type: 'string' },
  placeholders: { type: 'boolean' },
  credential: { type: 'string' },
  'save-credential': { type: 'boolean' },
  'create-deploy-token': { type: 'string' },
  'token-name': { type: 'string' },
  expires: { type: 'string' },
  'show-secret': { type: 'boolean' },
} as const
