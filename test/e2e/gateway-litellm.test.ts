// `npm run gateway:litellm` as a contributor runs it: the pinned proxy with the simulator behind it, the base
// URL and key it prints, a task through it, and Ctrl-C stopping everything.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";
import { createWorkspace } from "../helpers/workspace.ts";
import { proxyUnavailable } from "../litellm/rig.ts";
import { repoRoot } from "../simulator/scenario.ts";

test("gateway:litellm prints the URL and key to use, serves a task, and stops on Ctrl-C", {
  skip: proxyUnavailable(),
  timeout: 180_000,
}, async () => {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/litellm/cli.ts", "--port", String(port), "--key", "sk-contributor-key"],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const ws = createWorkspace({ git: true });
  try {
    for (let i = 0; i < 1200 && !out.includes("Ctrl-C stops it."); i++) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(out, new RegExp(`export LITELLM_BASE_URL=http://127\\.0\\.0\\.1:${port}\\n`), out);
    assert.match(out, /export LITELLM_API_KEY=sk-contributor-key\n/);

    // The README's task, through the proxy to the simulator playing Anthropic.
    const r = await runCli(["exec", "-m", "claude-sim", "create hello.txt, then fix the typo in it"], {
      cwd: ws.dir,
      timeoutMs: 60_000,
      env: {
        CODEX_HOME: ws.home,
        TMPDIR: ws.tmp,
        LITELLM_BASE_URL: `http://127.0.0.1:${port}`,
        LITELLM_API_KEY: "sk-contributor-key",
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(ws.dir, "hello.txt"), "utf8"), "hello world\n");

    child.kill("SIGINT");
    assert.equal(await exited, 0, out);
    const after = await fetch(`http://127.0.0.1:${port}/health/liveliness`).then(
      () => "answered",
      () => "closed",
    );
    assert.equal(after, "closed", "the proxy stopped with the script");
  } finally {
    child.kill("SIGKILL");
    ws.cleanup();
  }
});
