// The bench's printed report: markdown tables (pasteable into docs/performance.md), ratios
// against the baseline and the floor, the targets of the Performance issue, and a one-line summary.
import type { BundleResult } from './bundle.ts'
import type { ThroughputResult } from './processes.ts'
import type { RoundTrips } from './round-trips.ts'

/** Everything one run measured (also the `--json` output). */
export interface BenchReport {
  node: string
  date: string
  sizes: Record<string, BundleResult>
  cold: { bare: number; runs: number; medians: Record<string, number> }
  warm: Record<string, ThroughputResult[]>
  settings: { warmupMs: number; measureMs: number; concurrency: number[]; rounds: number }
  roundTrips: RoundTrips[]
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
const ms = (value: number) => value.toFixed(1)
const us = (value: number) => Math.round(value * 1000).toString()
const ratio = (value: number) =>
  value >= 10 ? value.toFixed(0) : value.toFixed(value < 0.1 ? 3 : 2)
const check = (ok: boolean) => (ok ? 'met' : 'MISSED')

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n'
}

/** Formats a run as markdown tables plus targets and a summary line. */
export function formatReport(report: BenchReport): string {
  const { sizes, cold, warm, roundTrips } = report
  const rps = (name: string, concurrency = 1) =>
    warm[name]!.find((r) => r.concurrency === concurrency)!.rps
  const coldNet = (name: string) => cold.medians[name]! - cold.bare
  const coldOwn = (name: string) => cold.medians[name]! - cold.medians.empty!

  const sizeNames: Array<[string, string]> = [
    ['token', 'project token (src/netlify/token.ts)'],
    ['challenge', 'project challenge (src/netlify/challenge.ts)'],
    ['baseline', 'baseline token (@textile/hub)'],
    ['floor', 'floor (node:crypto only)'],
  ]
  let out = `# textile-token-provider bench (${report.node}, ${report.date})\n\n`
  out +=
    '## Size: esbuild --bundle --minify --platform=node --format=esm; nft = files Netlify ships\n\n'
  out += table(
    ['function', 'bundle', 'gzip', 'nft files', 'nft bytes'],
    sizeNames.map(([key, label]) => {
      const s = sizes[key]!
      return [label, kb(s.bytes), kb(s.gzipBytes), String(s.nftFiles), kb(s.nftBytes)]
    }),
  )

  out += `\n## Cold start: median of ${cold.runs} fresh node processes (import bundle + 1 request), minus bare node\n\n`
  out += table(
    ['function', 'process ms', 'minus bare node ms', 'minus host ms'],
    [
      ['bare `node -e ""`', ms(cold.bare), '0', ''],
      [
        'host: empty function (Request/Response)',
        ms(cold.medians.empty!),
        ms(coldNet('empty')),
        '0',
      ],
      ...(
        [
          ['token', 'project token (node:crypto seam, issuer)'],
          ['tokenWebCrypto', 'project token (Web Crypto only, issuer)'],
          ['baseline', 'baseline token (@textile/hub)'],
          ['floor', 'floor (no Request: crypto only)'],
        ] as const
      ).map(([key, label]) => [
        label,
        ms(cold.medians[key]!),
        ms(coldNet(key)),
        key === 'floor' ? '' : ms(coldOwn(key)),
      ]),
    ],
  )

  const levels = report.settings.concurrency
  out += `\n## Warm throughput: pre-signed requests, ${report.settings.warmupMs} ms warm-up, ~${report.settings.measureMs} ms per level, one process each, best of ${report.settings.rounds}\n\n`
  out += table(
    ['handler', ...levels.flatMap((c) => [`c=${c} req/s`, `p50 µs`, `p99 µs`])],
    Object.entries(warm).map(([name, results]) => [
      name,
      ...results.flatMap((r) => [r.rps.toFixed(0), us(r.p50Ms), us(r.p99Ms)]),
    ]),
  )

  out += '\n## Client round trips (SDK against the in-process functions, hub emulator)\n\n'
  out += table(
    ['flow', 'mode', 'HTTP round trips', 'hub calls (GetToken)'],
    roundTrips.map((r) => [r.flow, r.mode, String(r.http), String(r.hubCalls)]),
  )

  const seamIssuer = 'token, node:crypto seam, issuer'
  const seamHub = 'token, node:crypto seam, hub-challenge'
  const r = {
    bundle: sizes.token!.bytes / sizes.baseline!.bytes,
    gzip: sizes.token!.gzipBytes / sizes.baseline!.gzipBytes,
    nft: sizes.token!.nftBytes / sizes.baseline!.nftBytes,
    bundleFloor: sizes.token!.bytes / sizes.floor!.bytes,
    cold: coldNet('token') / coldNet('baseline'),
    coldOwn: coldOwn('token') / coldOwn('baseline'),
    coldFloor: coldNet('token') / coldNet('floor'),
    hubFloor: rps(seamHub) / rps('floor: verify + HMAC'),
    issuerFloor: rps(seamIssuer) / rps('floor: verify + HMAC'),
    issuerFloorSign: rps(seamIssuer) / rps('floor + sign (issuer work)'),
    hubBaseline: rps(seamHub) / rps('baseline (@textile/hub)'),
    issuerBaseline: rps(seamIssuer) / rps('baseline (@textile/hub)'),
    seamIssuer: rps(seamIssuer) / rps('token, Web Crypto only, issuer'),
    seamHub: rps(seamHub) / rps('token, Web Crypto only, hub-challenge'),
    seamChallenge: rps('challenge, node:crypto seam') / rps('challenge, Web Crypto only'),
  }
  const login = roundTrips.find((t) => t.flow === 'login' && t.mode === 'issuer')!
  const refresh = roundTrips.find((t) => t.flow === 'refresh' && t.mode === 'issuer')!

  out += '\n## Ratios (project / baseline, project / floor; c=1)\n\n'
  out += table(
    ['measure', 'ratio', 'target', 'status'],
    [
      ['bundle bytes, token / baseline', ratio(r.bundle), '≤ 0.04 (1/25)', check(r.bundle <= 0.04)],
      ['bundle gzip, token / baseline', ratio(r.gzip), '', ''],
      ['nft bytes shipped, token / baseline', ratio(r.nft), '', ''],
      ['bundle bytes, token / floor', ratio(r.bundleFloor), '', ''],
      [
        'cold start minus bare node, token / baseline',
        ratio(r.cold),
        '≤ 0.1',
        check(r.cold <= 0.1),
      ],
      [
        'cold start minus host, token / baseline',
        ratio(r.coldOwn),
        '≤ 0.1',
        check(r.coldOwn <= 0.1),
      ],
      ['cold start, token / floor', ratio(r.coldFloor), '', ''],
      ['req/s, token hub-challenge / floor', ratio(r.hubFloor), '≥ 0.6', check(r.hubFloor >= 0.6)],
      [
        'req/s, token issuer / (floor + sign)',
        ratio(r.issuerFloorSign),
        '≥ 0.6',
        check(r.issuerFloorSign >= 0.6),
      ],
      ['req/s, token issuer / floor (issuer signs once more)', ratio(r.issuerFloor), '', ''],
      [
        'req/s, token hub-challenge / baseline',
        ratio(r.hubBaseline),
        '≥ 30',
        check(r.hubBaseline >= 30),
      ],
      [
        'req/s, token issuer / baseline',
        ratio(r.issuerBaseline),
        '≥ 30',
        check(r.issuerBaseline >= 30),
      ],
      ['req/s, seam / Web Crypto, token issuer', ratio(r.seamIssuer), '', ''],
      ['req/s, seam / Web Crypto, token hub-challenge', ratio(r.seamHub), '', ''],
      ['req/s, seam / Web Crypto, challenge', ratio(r.seamChallenge), '', ''],
      [
        'login round trips, issuer (HTTP + hub)',
        `${login.http} + ${login.hubCalls}`,
        '2 + 0',
        check(login.http === 2 && login.hubCalls === 0),
      ],
      ['refresh round trips, issuer (HTTP + hub)', `${refresh.http} + ${refresh.hubCalls}`, '', ''],
    ],
  )
  out +=
    `\nSummary: token function ${ratio(1 / r.bundle)}× smaller bundle and ${ratio(1 / r.cold)}× faster ` +
    `cold start (${ratio(1 / r.coldOwn)}× on its own share) than the @textile/hub baseline; ${ratio(r.issuerBaseline)}× its throughput in issuer ` +
    `mode at ${(r.issuerFloorSign * 100).toFixed(0)} % of the node:crypto floor with sign ` +
    `(${(r.hubFloor * 100).toFixed(0)} % of verify+HMAC in hub-challenge mode); the node:crypto ` +
    `seam is ${ratio(r.seamIssuer)}× / ${ratio(r.seamHub)}× Web Crypto (issuer / hub-challenge); login ${login.http} HTTP + ${login.hubCalls} hub round trips.\n`
  return out
}
