// `npx tsx test/lab/measure-tag-list.ts [count]`: time and peak RSS of listing one tags/list
// answer of `count` names (default 200,000; distribution 2.8 does not page tags/list) through the
// real registry client, in a fresh process. The fault proxy serves the page itself, so no registry
// is needed. The time includes connecting; peak RSS is the process's (proxy included). Prints one
// JSON line.
import { createRegistryClient } from '../../electron/http/registry-client'
import { startFaultProxy } from './fault-proxy'

const count = Number(process.argv[2] ?? 200_000)
const megabytes = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10

const proxy = await startFaultProxy({
  // Nothing is forwarded: every request matches the rule below.
  upstream: 'http://127.0.0.1:9',
  rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'tag-list', repository: 'big/tags', count } }],
})
const client = createRegistryClient({ endpoint: { url: proxy.url, host: proxy.host, insecure: true } })
try {
  // The proxy builds its ~3 MB body on the first request: build it before measuring the client.
  await (await fetch(`${proxy.url}/v2/big/tags/tags/list`)).arrayBuffer()
  const rssBefore = process.memoryUsage().rss
  const peakBefore = process.resourceUsage().maxRSS * 1024
  const started = performance.now()
  const tags = await client.listTags('big/tags')
  const ms = performance.now() - started
  console.log(
    JSON.stringify({
      tags: tags.length,
      ms: Math.round(ms),
      rssBeforeMiB: megabytes(rssBefore),
      rssAfterMiB: megabytes(process.memoryUsage().rss),
      peakRssBeforeMiB: megabytes(peakBefore),
      peakRssMiB: megabytes(process.resourceUsage().maxRSS * 1024),
    }),
  )
} finally {
  await client.close()
  await proxy.close()
}
