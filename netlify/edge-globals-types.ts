// Stand-in for https://edge.netlify.com/bootstrap/globals/types.ts (netlify.toml deno_import_map),
// so Netlify's edge config extraction works offline. The real module only declares types, so this
// one is equivalent at run time on a connected machine too.
export type NetlifyGlobal = any
