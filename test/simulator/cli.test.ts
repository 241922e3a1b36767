import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { repoRoot } from "./scenario.ts";
import { json } from "./testkit.ts";

test("cli starts, prints the base URL, serves, and exits cleanly on SIGTERM", async () => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/simulator/cli.ts", "hello", "--port", "0"],
    {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const killed = setTimeout(() => child.kill("SIGKILL"), 10_000);
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const baseUrl = await new Promise<string>((res, rej) => {
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = /LITELLM_BASE_URL=(\S+)/.exec(stdout);
      if (m) res(m[1]);
    });
    child.once("exit", () => rej(new Error(`cli exited early: ${stderr}`)));
  });
  assert.match(stdout, /^gateway simulator listening on http:\/\/127\.0\.0\.1:\d+\/v1$/m);
  const models = await json(await fetch(`${baseUrl}/models`));
  assert.equal(models.data[0].id, "sim-model");
  const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
  child.kill("SIGTERM");
  assert.equal(await exited, 0);
  clearTimeout(killed);
  assert.match(stderr, /GET \/v1\/models 200/);
});
