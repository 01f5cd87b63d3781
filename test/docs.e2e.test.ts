// The README, docs/ and .github/ say only what is true of this repository: every TypeScript
// snippet runs as written (each ```ts block, indented ones included, is typechecked as its own
// module, with `textile-token-provider` resolved to this repository's sources by tsconfig.json's
// `paths`, as the package's `exports` map resolves it to dist/), every relative link and anchor
// resolves, the README stays a landing page that names every entry point, and docs/README.md
// lists every page.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/netlify-dev.ts'

/** The markdown files of a folder, relative to the root. */
const markdownIn = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `${dir}/${name}`)
/** The markdown files whose snippets and links are checked, relative to the root. */
const DOCS = ['README.md', ...markdownIn('docs'), ...markdownIn('.github')]
/** Link targets that other branches add and this tree does not have yet (none at present). */
const PENDING = new Set<string>()

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

interface Snippet {
  file: string
  line: number
  code: string
}

/** Every ```ts block of a markdown text, dedented when it sits inside a list item. */
function snippetsOf(file: string, text: string): Snippet[] {
  return [...text.matchAll(/^( *)```ts\n([\s\S]*?)^\1```[ \t]*$/gm)].map((match) => {
    const indent = match[1]!.length
    return {
      file,
      line: text.slice(0, match.index).split('\n').length,
      code: match[2]!
        .split('\n')
        .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
        .join('\n'),
    }
  })
}

/** Typechecks snippets; returns tsc's output ('' when all pass). File names carry doc and line. */
function typecheckSnippets(snippets: readonly Snippet[], dir: string): string {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const snippet of snippets) {
    const name = `${snippet.file.replace(/[/.]/g, '_')}-line-${snippet.line}.ts`
    // `export {}` keeps each snippet a module of its own (top-level await, no shared names).
    writeFileSync(join(dir, name), snippet.code + '\nexport {}\n')
  }
  const tsconfig = {
    extends: join(ROOT, 'tsconfig.json'),
    // The root config's `paths` resolve `textile-token-provider/…` (test/package-paths.test.ts).
    compilerOptions: { noEmit: true, noUnusedLocals: false },
    include: ['*.ts'],
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  try {
    execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' })
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error)
  }
}

/** Markdown without fenced code blocks (links and headings there are code, not markup). */
const prose = (text: string) => text.replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?^\1\2[ \t]*$/gm, '')

/** GitHub's anchors for a document's headings (github-slugger: duplicates get -1, -2, …). */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>()
  for (const [, heading] of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-')
    let slug = base
    for (let n = 1; anchors.has(slug); n++) slug = `${base}-${n}`
    anchors.add(slug)
  }
  return anchors
}

/** Relative links of a markdown file: `[text](target)`, outside code. */
function linksOf(text: string): { target: string; line: number }[] {
  const body = prose(text).replace(/`[^`\n]*`/g, '')
  return [...body.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => ({
      target: match[1]!,
      line: body.slice(0, match.index).split('\n').length,
    }))
    .filter(({ target }) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
}

const snippets = DOCS.flatMap((file) => snippetsOf(file, read(file)))

describe('README and docs snippets', () => {
  it('has TypeScript snippets to check, in the README and in docs/', () => {
    expect(snippets.filter((s) => s.file === 'README.md').length).toBeGreaterThanOrEqual(1)
    expect(snippets.filter((s) => s.file.startsWith('docs/')).length).toBeGreaterThanOrEqual(10)
  })

  it('finds the ```ts blocks indented inside list items, dedented', () => {
    const [snippet] = snippetsOf('x.md', '- item:\n\n  ```ts\n  const a = 1\n    + 1\n  ```\n')
    expect(snippet).toEqual({ file: 'x.md', line: 3, code: 'const a = 1\n  + 1\n' })
  })

  it('typechecks every ```ts block as written', () => {
    const output = typecheckSnippets(snippets, join(ROOT, 'node_modules/.cache/docs-snippets'))
    expect(output, 'snippets (file names carry the doc and its line)').toBe('')
  }, 120_000)
})

describe('README and docs links', () => {
  it.each(DOCS)('%s: every relative link and anchor resolves', (file) => {
    const broken: string[] = []
    for (const { target, line } of linksOf(read(file))) {
      const [path, anchor] = target.split('#') as [string, string | undefined]
      const resolved = path ? normalize(join(dirname(file), path)) : file
      if (PENDING.has(resolved)) continue
      if (!existsSync(join(ROOT, resolved))) {
        broken.push(`line ${line}: ${target} (no ${relative('.', resolved)})`)
      } else if (anchor && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor)) {
        broken.push(`line ${line}: ${target} (no heading #${anchor} in ${resolved})`)
      }
    }
    expect(broken).toEqual([])
  })

  it('computes GitHub anchors as GitHub does', () => {
    const anchors = anchorsOf('# A\n## `createUserAuthProvider`\n## Refresh: the trade-off\n## A\n')
    expect([...anchors]).toEqual(['a', 'createuserauthprovider', 'refresh-the-trade-off', 'a-1'])
  })
})

describe('README', () => {
  const readme = read('README.md')

  it('is a landing page: at most 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300)
  })

  it("names every entry of the package's exports map in its exports table", () => {
    const pkg = JSON.parse(read('package.json')) as { name: string; exports: object }
    const named = new Set(
      [...readme.matchAll(/^\| `([^`]+)` \|/gm)].flatMap(([, cell]) => {
        const braces = /^(.*)\{([^}]+)\}(.*)$/.exec(cell!)
        return braces
          ? braces[2]!.split(',').map((item) => braces[1]! + item + braces[3]!)
          : [cell!]
      }),
    )
    const entries = Object.keys(pkg.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => pkg.name + subpath.slice(1))
    expect(entries.filter((entry) => !named.has(entry))).toEqual([])
  })
})

describe('docs/README.md', () => {
  const index = read('docs/README.md')

  it('lists every page of docs/ and .github/ exactly once', () => {
    const listed = linksOf(index).map(({ target }) =>
      normalize(join('docs', target.split('#')[0]!)),
    )
    const pages = [...markdownIn('docs'), ...markdownIn('.github')].filter(
      (page) => page !== 'docs/README.md',
    )
    const count = (page: string) => listed.filter((path) => path === page).length
    expect(
      pages.filter((page) => count(page) !== 1).map((page) => `${page}: ${count(page)}`),
    ).toEqual([])
    expect(listed.filter((path) => !pages.includes(path) && path !== 'README.md')).toEqual([])
  })

  it('orders the pages in three tracks: use, operate, contribute', () => {
    expect([...index.matchAll(/^## (.+)$/gm)].map(([, heading]) => heading)).toEqual([
      'Use',
      'Operate',
      'Contribute',
    ])
  })
})
