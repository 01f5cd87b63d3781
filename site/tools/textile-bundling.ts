// What it takes to bundle @textile/hub for the demo page with esbuild, as two plugins: tree shaking
// the hub packages the demo never uses, and no eval under the page's CSP. No buffer, process or
// global shims are needed: the pre-bundled @textile packages guard every Node global with `typeof`
// (test/demo/browser.e2e.test.ts runs the bundle in Chromium to keep it so).
import { readFile } from 'node:fs/promises'
import type { Plugin } from 'esbuild'

/**
 * @textile/hub re-exports Buckets, Users and Filecoin, whose pre-bundled ESM builds esbuild must
 * assume have side effects (no `sideEffects` field). The demo uses none of them: declaring them
 * side-effect free lets tree shaking drop them (2.7 MB → 1.3 MB minified).
 */
export const pruneUnusedTextilePackages: Plugin = {
  name: 'prune-unused-textile-packages',
  setup(build) {
    build.onResolve({ filter: /^@textile\/(buckets|users|hub-filecoin)$/ }, async (args) => {
      if (args.pluginData === 'pruned') return undefined
      const result = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'pruned',
      })
      return result.errors.length > 0 ? undefined : { ...result, sideEffects: false }
    })
  },
}

// google-protobuf's generated modules (every @textile *_pb.js, and @textile's pre-bundled ESM
// builds of them) find the global object with `Function('return this')()` as they load.
const EVAL_FOR_GLOBAL = /\bFunction\((['"])return this\1\)\(\)/g

/**
 * `Function('return this')()` is eval: the page's CSP (no 'unsafe-eval') refuses it and the hub
 * client fails to load. In a browser module it always returns `globalThis`, so the bundle says
 * that instead.
 */
export const noEvalForTheGlobalObject: Plugin = {
  name: 'no-eval-for-the-global-object',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]node_modules[\\/](@textile[\\/][^\\/]+|google-protobuf)[\\/].*\.js$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8')
        const contents = source.replace(EVAL_FOR_GLOBAL, 'globalThis')
        return contents === source ? undefined : { contents, loader: 'js' }
      },
    )
  },
}
