// Accessibility audit of a page with axe-core, injected through the DevTools protocol (so the
// page's CSP, which refuses inline scripts, does not apply to it). `serious` and `critical`
// findings block: violations, and checks axe could not finish ("needs review", e.g. a contrast it
// cannot compute over a gradient), which would otherwise pass unseen. Each is printed with its
// rule, the elements and what to fix.
import axe from 'axe-core'
import type { Page } from 'playwright-core'

/** One violation or unfinished check, ready to print. */
export interface AxeFinding {
  rule: string
  impact: string
  kind: 'violation' | 'needs review'
  help: string
  nodes: { target: string; summary: string }[]
}

/** Impacts that fail the audit. */
const BLOCKING = new Set(['serious', 'critical'])

/**
 * Runs axe on the page as it is now, in light and dark colour schemes, and returns every finding
 * of any impact ({@link isBlocking} picks those that fail).
 *
 * @example
 * expect(formatFindings((await auditAccessibility({ page })).filter(isBlocking))).toBe('')
 */
export async function auditAccessibility(options: { page: Page }): Promise<AxeFinding[]> {
  const { page } = options
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source)
  const findings: AxeFinding[] = []
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const results = await page.evaluate(() =>
      window.axe.run(document, { resultTypes: ['violations', 'incomplete'] }),
    )
    const found = [
      ...results.violations.map((result) => ({ result, kind: 'violation' as const })),
      ...results.incomplete.map((result) => ({ result, kind: 'needs review' as const })),
    ]
    for (const { result, kind } of found) {
      findings.push({
        rule: `${result.id} (${colorScheme})`,
        impact: result.impact ?? 'minor',
        kind,
        help: `${result.help} ${result.helpUrl}`,
        nodes: result.nodes.map((node) => ({
          target: node.target.join(' '),
          summary:
            node.failureSummary ?? [...node.any, ...node.all].map((c) => c.message).join('; '),
        })),
      })
    }
  }
  await page.emulateMedia({ colorScheme: null })
  return findings
}

/** True for the findings that fail the audit: serious or critical. */
export function isBlocking(finding: AxeFinding): boolean {
  return BLOCKING.has(finding.impact)
}

/** The findings as readable text: one block per rule, one line per element. */
export function formatFindings(findings: readonly AxeFinding[]): string {
  return findings
    .map((finding) =>
      [
        `${finding.impact} ${finding.kind}: ${finding.rule}: ${finding.help}`,
        ...finding.nodes.map(
          (node) => `  ${node.target}\n    ${node.summary.replace(/\n/g, '\n    ')}`,
        ),
      ].join('\n'),
    )
    .join('\n\n')
}

declare global {
  interface Window {
    axe: typeof axe
  }
}
