import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { allStopped, isPidAlive, startLab } from '../lab/lab'

describe('a lab of its own', () => {
  it('starts only the asked instances and stop() leaves no process and no temp dir', async () => {
    const lab = await startLab({ only: ['paging', 'token'], tokenTtlSeconds: 5 })
    try {
      expect(lab.started).toEqual(['token', 'paging'])
      expect(() => lab.basic).toThrow(/not started/)
      expect(lab.pids.length).toBe(2) // token + the open registry behind the paging front
      expect(lab.pids.every(isPidAlive)).toBe(true)
      expect((await fetch(`${lab.paging.url}/v2/`)).status).toBe(200)
      const token = await fetch(`${lab.token.realm}?service=${lab.token.service}&scope=repository:public/hello:pull`)
      expect(((await token.json()) as { expires_in: number }).expires_in).toBe(5)
      expect(lab.issuer.stats().get).toBe(1)
    } finally {
      await lab.stop()
    }
    expect(allStopped(lab.pids)).toBe(true)
    expect(existsSync(lab.dir)).toBe(false)
    await expect(fetch(`${lab.issuer.url}/_lab/stats`)).rejects.toThrow()
  })
})
