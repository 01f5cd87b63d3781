// ESLint, for what the type checker and prettier cannot see (`npm run lint` runs it after
// scripts/lint.mjs's checks): promises nobody awaits or that land where a callback's result is
// ignored, and the one-way layers of src/ (docs/architecture.md, "The map of src/"), which import
// each other by relative path, never by the package's name (tsconfig.json's `paths` map the name
// to src/ for the demo and the tests only).
// Kept in scripts/ because the top level holds only what the design card lists.
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import tseslint from 'typescript-eslint'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const src = resolve(root, 'src')
const NAME = 'textile-token-provider'

/**
 * Which src/ folders each folder may import from (its own always). The browser entries take only
 * the core modules that stay small and Node-free in a page's bundle.
 */
const LAYERS = {
  core: [],
  verify: [],
  client: [
    'core/base64.ts',
    'core/grpc-web-frames.ts',
    'core/json-segment.ts',
    'core/envelope-format.ts',
    'core/link-format.ts',
    'core/error-codes.ts',
  ],
  identity: ['core'],
  http: ['core', 'verify/session-cookie.ts', 'verify/defaults.ts'],
  node: ['core'],
  emulator: ['core'],
  ws: ['core', 'http'],
  netlify: ['core', 'http', 'node', 'verify'],
  cli: ['core', 'emulator', 'netlify'],
}

const layers = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      layer: '{{from}} may not import {{to}} ({{rule}})',
      selfName: 'src/ imports {{to}} by relative path, not by the package name',
    },
  },
  create(context) {
    const file = context.filename
    if (!file.startsWith(src + '/')) return {}
    const [folder, ...rest] = relative(src, file).split('/')
    // src/index.ts, the server entry, re-exports every layer: no layer rule of its own.
    const allowed = rest.length === 0 ? undefined : LAYERS[folder]
    const check = (node, spec) => {
      if (spec === NAME || (typeof spec === 'string' && spec.startsWith(NAME + '/'))) {
        context.report({ node, messageId: 'selfName', data: { to: spec } })
        return
      }
      if (!allowed || typeof spec !== 'string' || !spec.startsWith('.')) return
      const target = relative(src, resolve(dirname(file), spec))
      if (target.startsWith('..')) {
        context.report({
          node,
          messageId: 'layer',
          data: { from: folder, to: spec, rule: 'outside src/' },
        })
        return
      }
      const [to] = target.split('/')
      if (to === folder) return
      // An entry is a folder of src/ (`core`) or one file in it (`core/base64.ts`).
      if (allowed.some((entry) => entry === to || entry === target)) return
      context.report({
        node,
        messageId: 'layer',
        data: {
          from: folder,
          to: target,
          rule: `src/${folder} takes ${allowed.join(', ') || 'nothing'} from src/`,
        },
      })
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    }
  },
}

export default tseslint.config(
  // The adopter fixtures are apps as their users write them, checked by their own tsc and bundler.
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'site/build/**',
      '.netlify/**',
      'test/adopter/fixtures/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, ttp: { rules: { layers } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      'ttp/layers': 'error',
    },
  },
)
