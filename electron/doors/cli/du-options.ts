// `berth du`'s usage lines and flags, apart from du-command.ts so that cli.ts can parse arguments
// and print --help without loading the command (and the session behind it).

export const duUsage = `  berth du       <registry>[/<prefix>] [--verify]  storage per repository, largest first, and the registry total
                                                   (blobs shared across repositories counted once)
  berth du       <registry>/<repo> --tags [--verify] [--dates]
                                                   per tag: bytes, unique bytes, shared bytes, date; the repository
                                                   total; untagged images seen before (delete one with rm <repo>@<digest>);
                                                   --dates reads the configs Berth lacks for build dates (1 GET each)`

export const duOptions = {
  tags: { type: 'boolean' },
  verify: { type: 'boolean' },
  dates: { type: 'boolean' },
} as const
