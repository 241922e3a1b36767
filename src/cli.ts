#!/usr/bin/env node
// Entry point. Kept tiny: `--version` answers without loading anything else; every mode is a dynamic import.
import module from "node:module";

// Injected by the build; the entry must not statically import any chunk.
declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === "string" ? __VERSION__ : "0.0.0-dev";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`codex-litellm ${VERSION}\n`);
} else {
  // V8's compile cache (Node >= 22.1): later starts skip parsing and compiling the chunks. Node picks the
  // directory ($NODE_COMPILE_CACHE, else node-compile-cache under os.tmpdir()) and honours
  // NODE_DISABLE_COMPILE_CACHE; a cache it cannot use is silently left alone. Node 20 has no such API.
  try {
    (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  } catch {}
  const { main } = await import("./main.ts");
  process.exitCode = await main(args);
}
