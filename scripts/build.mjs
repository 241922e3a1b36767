#!/usr/bin/env node
// Bundles src/cli.ts into dist/ with esbuild: one small entry file, modes split into lazily loaded chunks.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { build, transform } from "esbuild";

const root = new URL("..", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
rmSync(new URL("dist", root), { recursive: true, force: true });

const NODE_ENV = { "process.env.NODE_ENV": '"production"' };

/**
 * The bundle is minified, identifiers included: the TUI's dependencies (ink, react, yoga) are most of it.
 * Our own files keep their function and class names (`keepNames`, applied per file so dependencies do not
 * pay for it), so stack traces in the debug log stay readable. Ink's optional React DevTools hook
 * (`DEV=true`) would import react-devtools-core and ws: it is replaced by an empty module.
 */
const plugin = {
  name: "codex-litellm",
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]ink[\\/]/.test(args.importer)
        ? { path: "ink-devtools", namespace: "stub" }
        : undefined,
    );
    // The MCP SDK's client checks a tool's structured output against its declared schema with ajv, whose code
    // generator names `require("ajv/dist/runtime/…")` and weighs more than the rest of the client. We pass
    // results on to the model as they come, so a validator that accepts everything takes its place.
    b.onResolve({ filter: /[\\/]validation[\\/]ajv-provider\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]@modelcontextprotocol[\\/]sdk[\\/]/.test(args.importer)
        ? { path: "mcp-ajv-provider", namespace: "stub" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "stub" }, (args) => ({
      contents:
        args.path === "mcp-ajv-provider"
          ? "export class AjvJsonSchemaValidator { getValidator() { return (input) => ({ valid: true, data: input, errorMessage: undefined }); } }"
          : "export {};",
      loader: "js",
    }));
    b.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const { code } = await transform(source, {
        loader: args.path.endsWith(".tsx") ? "tsx" : "ts",
        jsx: "automatic",
        keepNames: true,
        target: "node20",
        sourcefile: args.path,
      });
      return { contents: code, loader: "js" };
    });
  },
};

const REQUIRE_BANNER =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

const result = await build({
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
  minifyIdentifiers: true,
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  define: { __VERSION__: JSON.stringify(pkg.version), ...NODE_ENV },
  plugins: [plugin],
  // Bundled CommonJS dependencies (commander) call require() for node built-ins.
  banner: { js: REQUIRE_BANNER },
  logLevel: "warning",
  metafile: true,
});

// The banner is needed only where `require` is named: esbuild's require shim (one small runtime chunk) and the
// modules that call it directly. Elsewhere it would cost every chunk an import of node:module and a
// createRequire call (~0.15 ms each on Node 20, paid per chunk on every start), so it is taken out again.
// A chunk that mentions `require` anywhere, even in a string, keeps it.
for (const file of Object.keys(result.metafile.outputs)) {
  if (!file.endsWith(".js")) continue;
  const url = new URL(file, root);
  const code = readFileSync(url, "utf8");
  const at = code.indexOf(REQUIRE_BANNER);
  if (at < 0) continue;
  const rest = code.slice(0, at) + code.slice(at + REQUIRE_BANNER.length).replace(/^\n/, "");
  if (!/\brequire\b/.test(rest)) writeFileSync(url, rest);
}

// Which source files went into which chunk, for `npm run bench` (it finds the TUI chunk there). Kept out of
// dist/, which ships.
mkdirSync(new URL("out", root), { recursive: true });
writeFileSync(new URL("out/esbuild-meta.json", root), JSON.stringify(result.metafile));

// The license texts of the third-party packages inside the bundle (dist/ ships them): every package
// esbuild read a file from, with its name, version, license and the license file it ships.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.set(m[1], input.slice(0, m.index + m[0].length));
}
const sections = [...packages]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, dir]) => {
    const meta = JSON.parse(readFileSync(new URL(`${dir}package.json`, root), "utf8"));
    const file = readdirSync(new URL(dir, root)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file
      ? readFileSync(new URL(`${dir}${file}`, root), "utf8").trim()
      : `The package ships no license file; its package.json declares "${meta.license}".`;
    return `## ${name} ${meta.version} (${meta.license})\n\n${text}\n`;
  });
writeFileSync(
  new URL("dist/THIRD_PARTY_LICENSES.md", root),
  `# Third-party licenses\n\nThe bundle in this directory includes the following packages.\n\n${sections.join("\n")}`,
);
