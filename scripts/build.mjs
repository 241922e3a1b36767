#!/usr/bin/env node
// Bundles src/cli.ts into dist/ with esbuild: one small entry file, modes split into lazily loaded chunks.
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
rmSync(new URL("dist", root), { recursive: true, force: true });

await build({
  absWorkingDir: new URL(".", root).pathname,
  entryPoints: ["src/cli.ts"],
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (commander) call require() for node built-ins.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: "warning",
});
