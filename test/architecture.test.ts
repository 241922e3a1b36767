// Keeps the layering of ARCHITECTURE.md: imports point one way, protocol ← config/gateway ← tools ← agent
// ← session/telemetry ← modes ← cli; and the entry chunk stays free of heavy modules.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");

const allowed: Record<string, string[]> = {
  protocol: ["protocol"],
  util: ["util"],
  config: ["protocol", "util", "config"],
  gateway: ["protocol", "util", "config", "gateway"],
  tools: ["protocol", "util", "config", "tools"],
  agent: ["protocol", "util", "config", "gateway", "tools", "agent"],
  mcp: ["protocol", "util", "config", "tools", "mcp"],
  session: ["protocol", "util", "config", "gateway", "tools", "agent", "session"],
  telemetry: ["protocol", "util", "config", "gateway", "tools", "agent", "session", "telemetry"],
  // AgentSession and what it is assembled from: the one session every front end drives.
  core: ["protocol", "util", "config", "gateway", "tools", "agent", "session", "telemetry", "mcp", "core"],
  modes: [
    "protocol",
    "util",
    "config",
    "gateway",
    "tools",
    "agent",
    "session",
    "telemetry",
    "mcp",
    "core",
    "modes",
  ],
  trace: ["protocol", "util", "config", "session", "telemetry", "trace"],
  // Subcommands beside the modes (completion, sandbox, login…): front ends too, loaded one per command.
  commands: [
    "protocol",
    "util",
    "config",
    "gateway",
    "tools",
    "agent",
    "session",
    "telemetry",
    "core",
    "modes",
    "commands",
  ],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

function layer(path: string): string {
  const rel = relative(src, path).split("/");
  return rel.length === 1 ? "cli" : rel[0];
}

test("imports follow the layering", () => {
  const violations: string[] = [];
  for (const file of files(src)) {
    const from = layer(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g,
    )) {
      const target = resolve(dirname(file), match[1] ?? match[2]);
      const to = layer(target);
      if (from === "cli" || from === to) continue;
      if (!allowed[from]?.includes(to))
        violations.push(`${relative(root, file)} (${from}) imports ${relative(root, target)} (${to})`);
    }
  }
  assert.deepEqual(violations, []);
});

test("src/modes holds the two front ends and what they share, nothing loose; one-shot commands live in src/commands", () => {
  assert.deepEqual(readdirSync(join(src, "modes")).sort(), ["common", "exec", "tui"]);
});

test("the TUI and exec share nothing but the session layer and modes/common: no modes/tui → modes/exec import", () => {
  const tui = join(src, "modes", "tui");
  const exec = join(src, "modes", "exec");
  const violations: string[] = [];
  for (const file of files(tui)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:from\s+|import\(\s*)["'](\.[^"']+)["']/g))
      if (resolve(dirname(file), match[1]).startsWith(`${exec}/`))
        violations.push(`${relative(root, file)} imports ${match[1]}`);
  }
  assert.deepEqual(violations, []);
});

test("environment variables are read in one module: no process.env outside src/config/env.ts", () => {
  const allowed = new Set([join(src, "config", "env.ts")]);
  const hits = files(src).filter((f) => !allowed.has(f) && /\bprocess\.env\b/.test(readFileSync(f, "utf8")));
  assert.deepEqual(
    hits.map((f) => relative(root, f)),
    [],
    "read it through processEnv() (config/env.ts)",
  );
});

test("the TUI's state and render code is plain TypeScript: no ink, react or screens/ imports", () => {
  const tui = join(src, "modes", "tui");
  const hits: string[] = [];
  for (const dir of ["state", "render"])
    for (const file of files(join(tui, dir))) {
      const text = readFileSync(file, "utf8");
      if (/from\s+["'](?:ink|react)(?:\/[^"']*)?["']|from\s+["'][^"']*\/screens\//.test(text))
        hits.push(relative(root, file));
    }
  assert.deepEqual(hits, [], "React belongs in screens/ (and input/use-keys.ts)");
});

test("the protocol layer is types and tiny constructors only: no node built-ins or packages", () => {
  for (const file of files(join(src, "protocol"))) {
    const text = readFileSync(file, "utf8");
    assert.doesNotMatch(text, /from\s+["'](?!\.)/, `${relative(root, file)} imports a package`);
  }
});

test("the built entry file loads nothing eagerly but itself", {
  skip: !existsSync(join(root, "dist", "cli.js")),
}, () => {
  const entry = readFileSync(join(root, "dist", "cli.js"), "utf8");
  assert.ok(entry.length < 4096, `dist/cli.js is ${entry.length} bytes`);
  assert.doesNotMatch(entry, /import\s*\{[^}]*\}\s*from\s*["']\.\/chunks/, "no static import of a chunk");
  assert.doesNotMatch(entry, /ink|react|commander/i);
});

test("only the TUI imports ink or react", () => {
  const tui = join(src, "modes", "tui");
  for (const file of files(src)) {
    if (file.startsWith(tui)) continue;
    const text = readFileSync(file, "utf8");
    assert.doesNotMatch(
      text,
      /from\s+["'](?:ink|react)(?:\/[^"']*)?["']/,
      `${relative(root, file)} imports ink/react`,
    );
  }
});

/** A built chunk and every chunk it imports statically (what loading it costs). */
function staticClosure(first: string): string[] {
  const seen = new Set<string>();
  const queue = [first];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, "utf8");
    for (const m of code.matchAll(
      /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{][^;"'`()]*?\bfrom\s*)?["'](\.[^"']+)["']/g,
    ))
      queue.push(resolve(dirname(file), m[1]));
  }
  return [...seen];
}

test("loading exec does not load the TUI's ink, react or yoga", {
  skip: !existsSync(join(root, "dist", "cli.js")),
}, () => {
  const chunks = join(root, "dist", "chunks");
  const exec = readdirSync(chunks).find((n) => /^run-[\w-]+\.js$/.test(n));
  assert.ok(exec, "the exec chunk (run-*.js) exists");
  const tui = readdirSync(chunks).find((n) => /^index-[\w-]+\.js$|^tui-[\w-]+\.js$/.test(n));
  assert.ok(tui, "the TUI chunk exists");
  // React's element tag and the start of yoga's base64 WebAssembly mark the TUI's dependencies.
  const marks = /react\.transitional\.element|AGFzbQ/;
  assert.match(readFileSync(join(chunks, tui), "utf8"), marks, "the markers are found in the TUI chunk");
  for (const file of staticClosure(join(chunks, exec)))
    assert.doesNotMatch(readFileSync(file, "utf8"), marks, `${relative(root, file)} carries ink/react`);
});

test("nothing in the repository refers to a path outside it", () => {
  const skip = new Set(["node_modules", "dist", "out", ".git", ".cache", ".test-report"]);
  // Built from parts, so this file does not match itself.
  const outside = new RegExp(["\\.\\./", "shared/", "|", "/work", "/main"].join(""));
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (skip.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (statSync(path).size < 2_000_000 && outside.test(readFileSync(path, "utf8")))
        hits.push(relative(root, path));
    }
  };
  walk(root);
  assert.deepEqual(hits, [], "these files name paths outside the repository");
});

test("the MCP client and its SDK load only when a server is configured (a chunk of its own)", {
  skip: !existsSync(join(root, "dist", "cli.js")),
}, () => {
  const chunks = join(root, "dist", "chunks");
  const names = readdirSync(chunks);
  const mcp = names.find((n) => /^mcp-[\w-]+\.js$/.test(n));
  assert.ok(mcp, "the MCP chunk (mcp-*.js) exists");
  // A method name of the protocol that only the SDK spells out.
  const mark = /notifications\/initialized/;
  assert.match(readFileSync(join(chunks, mcp), "utf8"), mark, "the marker is found in the MCP chunk");
  const entries = [
    join(root, "dist", "cli.js"),
    ...names.filter((n) => /^(run|main|tui)-/.test(n)).map((n) => join(chunks, n)),
  ];
  for (const entry of entries)
    for (const file of staticClosure(entry))
      assert.doesNotMatch(readFileSync(file, "utf8"), mark, `${relative(root, file)} carries the MCP SDK`);
});
