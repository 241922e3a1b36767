#!/usr/bin/env node
// Runs the test suite with node's test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [unit|e2e|all] [name-filter]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const which = process.argv[2] ?? "all";
const filter = process.argv[3];

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith(".test.ts")) out.push(relative(root, path));
  }
  return out;
}

let files = [];
if (which === "unit" || which === "all") files.push(...collect(join(root, "src"), []));
if (which === "unit" || which === "all")
  files.push(...collect(join(root, "test"), []).filter((f) => !f.startsWith("test/e2e/")));
if (which === "e2e" || which === "all") files.push(...collect(join(root, "test", "e2e"), []));
files = [...new Set(files)].sort();
if (filter) files = files.filter((f) => f.includes(filter));
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}

const args = [
  "--import",
  "tsx",
  "--test",
  "--test-concurrency=2",
  "--test-reporter=spec",
  "--test-reporter-destination=stdout",
  "--test-reporter=./scripts/summary-reporter.mjs",
  "--test-reporter-destination=stdout",
  ...files,
];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
