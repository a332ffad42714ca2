// `npx tsx test/lab/cli.ts [--only token,tls] [--ttl 300]`: starts the lab, prints its LabInfo JSON
// on one stdout line, and stops everything on SIGINT/SIGTERM (the demo and bench drive it this way).
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { LAB_INSTANCE_NAMES, type LabInstanceName } from './lab-types'
import { partialLabInfo, startLab } from './lab'

const instanceName = z.enum(LAB_INSTANCE_NAMES as [LabInstanceName, ...LabInstanceName[]])

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, ttl: { type: 'string' } } })
  const only = values.only === undefined ? undefined : z.array(instanceName).parse(values.only.split(',').map((name) => name.trim()))
  const tokenTtlSeconds = values.ttl === undefined ? undefined : z.coerce.number().int().positive().parse(values.ttl)
  const lab = await startLab({ ...(only === undefined ? {} : { only }), ...(tokenTtlSeconds === undefined ? {} : { tokenTtlSeconds }) })
  let stopping = false
  const shutdown = (): void => {
    if (stopping) return
    stopping = true
    lab.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  process.stdout.write(JSON.stringify(partialLabInfo(lab)) + '\n')
  console.error(`berth lab running (${lab.started.join(', ')}); Ctrl-C to stop`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
