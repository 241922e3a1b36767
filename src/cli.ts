#!/usr/bin/env node
// Entry point. Kept tiny: `--version` answers without loading anything else; every mode is a dynamic import.
import { VERSION } from "./util/version.ts";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`codex-litellm ${VERSION}\n`);
} else {
  const { main } = await import("./main.ts");
  process.exitCode = await main(args);
}
