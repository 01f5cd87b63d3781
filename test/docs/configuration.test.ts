// docs/configuration.md and .env.example name exactly the variables the code reads: the union of
// the configuration tables (src/http/config-source.ts) of the Textile endpoints, the JWT minter,
// the clean-up, the edge adapter and the websocket server, plus HUB_URL, which the repository's
// tools read (the demo's build, `npm start`) and the package does not. The variables Netlify sets
// are listed apart in the docs ("Set by Netlify") and never in .env.example; the Deploy-to-Netlify
// template asks only for documented ones. A variable read but not documented, or documented but
// not read, fails here.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import type { VariableTable } from '../../src/http/config-source.ts'
import { CLEANUP_VARIABLES } from '../../src/http/envelope-cleanup.ts'
import { JWT_VARIABLES } from '../../src/http/jwt-config.ts'
import { TEXTILE_VARIABLES } from '../../src/http/textile-config.ts'
import { EDGE_VARIABLES } from '../../src/netlify/edge.ts'
import { WS_SERVER_TABLE } from '../../src/ws/userauth-server-env.ts'

const ROOT = join(import.meta.dirname, '../..')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

const TABLES: Record<string, VariableTable> = {
  'src/http/textile-config.ts': TEXTILE_VARIABLES,
  'src/http/jwt-config.ts': JWT_VARIABLES,
  'src/http/envelope-cleanup.ts': CLEANUP_VARIABLES,
  'src/netlify/edge.ts': EDGE_VARIABLES,
  'src/ws/userauth-server-env.ts': WS_SERVER_TABLE,
}

/** Variables the repository's own tools read, not the package: name → the files that read it. */
const TOOL_VARIABLES: Record<string, string[]> = {
  HUB_URL: ['site/src/site-config.ts', 'scripts/start.ts'],
}

/** name → set by Netlify, over every table; a name in two tables must agree. */
function tableNames(): Map<string, boolean> {
  const names = new Map<string, boolean>()
  for (const [file, table] of Object.entries(TABLES)) {
    for (const [name, variable] of Object.entries(table)) {
      const netlify = variable.netlify === true
      expect(names.get(name) ?? netlify, `${name} in ${file}`).toBe(netlify)
      names.set(name, netlify)
    }
  }
  return names
}

/** The names in the first cell of each row of docs/configuration.md's "Variables" table. */
function documentedNames(markdown: string): string[] {
  const start = markdown.indexOf('\n## Variables\n')
  const section = markdown.slice(start, markdown.indexOf('\n## ', start + 1))
  return [...section.matchAll(/^\| ([^|]+) \|/gm)]
    .map(([, cell]) => cell!)
    .filter((cell) => cell.startsWith('`'))
    .flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(([, name]) => name!))
}

/** The names docs/configuration.md lists as set by Netlify (the "Set by Netlify" paragraph). */
function netlifyNames(markdown: string): string[] {
  const paragraph = /^Set by Netlify[^\n]*(?:\n(?!\n)[^\n]*)*/m.exec(markdown)?.[0] ?? ''
  return [...paragraph.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(([, name]) => name!)
}

/** The names .env.example assigns, commented out (`# PORT=3001`) or not. */
function exampleNames(text: string): string[] {
  return [...text.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map(([, name]) => name!)
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort()

describe('the configuration tables', () => {
  const names = tableNames()
  const ours = sorted([...names].filter(([, netlify]) => !netlify).map(([name]) => name))
  const netlify = sorted([...names].filter(([, netlify]) => netlify).map(([name]) => name))

  it("are exactly docs/configuration.md's table of variables, with the tools' HUB_URL", () => {
    const documented = documentedNames(read('docs/configuration.md'))
    expect(documented.length, 'each variable has one row').toBe(new Set(documented).size)
    expect(sorted(documented)).toEqual(sorted([...ours, ...Object.keys(TOOL_VARIABLES)]))
  })

  it('list the variables Netlify sets apart, in "Set by Netlify"', () => {
    expect(netlify.length).toBeGreaterThan(0)
    expect(sorted(netlifyNames(read('docs/configuration.md')))).toEqual(netlify)
  })

  it('are exactly the names .env.example assigns, none of those Netlify sets', () => {
    const example = exampleNames(read('.env.example'))
    expect(example.length, 'each variable is assigned once').toBe(new Set(example).size)
    expect(sorted(example)).toEqual(sorted([...ours, ...Object.keys(TOOL_VARIABLES)]))
  })

  it("name every variable the Deploy-to-Netlify button asks for (netlify.toml's template)", () => {
    const toml = parse(read('netlify.toml')) as { template: { environment: object } }
    const asked = Object.keys(toml.template.environment)
    expect(asked.length).toBeGreaterThan(0)
    expect(asked.filter((name) => !ours.includes(name) && !(name in TOOL_VARIABLES))).toEqual([])
  })

  it.each(Object.entries(TOOL_VARIABLES))('%s is read by the tools that say so', (name, files) => {
    for (const file of files) expect(read(file)).toContain(`env.${name}`)
  })
})

describe('documentedNames()', () => {
  it('reads every name of a row, and only rows of the Variables section', () => {
    const markdown = [
      '## Variables',
      '',
      '| variable | required | meaning |',
      '|---|---|---|',
      '| `A_B` | yes | uses `NOT_THIS` |',
      '| `PORT`, `HOST` | no | two |',
      '',
      '## Other',
      '| `OTHER` | no | x |',
    ].join('\n')
    expect(documentedNames(`# Configuration\n${markdown}`)).toEqual(['A_B', 'PORT', 'HOST'])
  })
})

describe('exampleNames()', () => {
  it('reads assignments, commented or not, and no prose', () => {
    const text = '# Example: {"role":"member"}\nA=\n# B=3001\n# see C= below\nD=x\n'
    expect(exampleNames(text)).toEqual(['A', 'B', 'D'])
  })
})
