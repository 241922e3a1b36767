#!/usr/bin/env node
// Entry point. Kept tiny: `--version` answers without loading anything else; every mode is a dynamic import.
// Injected by the build; the entry must not statically import any chunk.
declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === "string" ? __VERSION__ : "0.0.0-dev";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`codex-litellm ${VERSION}\n`);
} else {
  const { main } = await import("./main.ts");
  process.exitCode = await main(args);
}
