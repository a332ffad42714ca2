// `berth cleanup`'s usage lines and flags, apart from cleanup-command.ts so that cli.ts can parse
// arguments and print --help without loading the cleanup command (and the session behind it).

export const cleanupUsage = `  berth cleanup  <registry>/<repo> [--keep-n N] [--keep-regex R] [--delete-regex R] [--older-than 30d]
                 [--unlock-latest] [--dry-run | --yes] [--save-rules | --saved-rules] [--server-side]
                                                   remove old tags by rules, one tag at a time (dry run unless --yes;
                                                   patterns match anywhere in the tag: anchor with ^…$);
                                                   --server-side (GitLab): hand the rules to GitLab's bulk delete,
                                                   which runs them later, in the background`

export const cleanupOptions = {
  'keep-n': { type: 'string' },
  'keep-regex': { type: 'string' },
  'delete-regex': { type: 'string' },
  'older-than': { type: 'string' },
  'unlock-latest': { type: 'boolean' },
  'save-rules': { type: 'boolean' },
  'saved-rules': { type: 'boolean' },
  'server-side': { type: 'boolean' },
} as const
