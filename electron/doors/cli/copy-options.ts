// The usage lines and flags of `berth tag`, `cp` and `sync`, apart from copy-commands.ts so that
// cli.ts can parse arguments and print --help without loading the copy code.

export const copyUsage = `  berth tag      <registry>/<repo>(:tag|@digest) NEWTAG...
                                                   the same manifest under new tags (no blob moves)
  berth cp       <registry>/<repo>(:tag|@digest) <registry>/<repo>[:tag]
                 [--platform os/arch[/variant]]... [--referrers] [--force] [--dry-run]
                                                   copy an image (every platform, byte for byte) to another
                                                   repository or registry; DST without a tag keeps the source's
  berth sync     <registry>/<repo> <registry>/<repo> [--tags REGEX] [--newer-than 30d]
                 [--platform …]... [--referrers] [--force] [--dry-run]
                                                   copy every matching tag (like skopeo sync)`

export const copyOptionsUsage = `  --src-username U --src-password-stdin, --dest-username U --dest-password-stdin
                         cp/sync across registries: each side's credentials for this call (only one side
                         reads standard input; sign in to the other with berth login)
  --src-ca FILE, --dest-ca FILE, --src-insecure, --dest-insecure
                         cp/sync across registries: each side's trust (--ca/--insecure/--username apply
                         only when both sides are one registry)`

export const copyOptions = {
  platform: { type: 'string', multiple: true },
  referrers: { type: 'boolean' },
  force: { type: 'boolean' },
  'tag-regex': { type: 'string' },
  'newer-than': { type: 'string' },
  'src-username': { type: 'string' },
  'src-password-stdin': { type: 'boolean' },
  'src-ca': { type: 'string' },
  'src-insecure': { type: 'boolean' },
  'dest-username': { type: 'string' },
  'dest-password-stdin': { type: 'boolean' },
  'dest-ca': { type: 'string' },
  'dest-insecure': { type: 'boolean' },
} as const
