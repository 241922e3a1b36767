// `codex-litellm mcp list|get|add|remove` on a real CODEX_HOME: config.toml edited with everything else kept.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { createWorkspace } from "../helpers/workspace.ts";

const BEFORE = '# my settings\nmodel = "gpt-x" # the usual\n\n[profiles.fast]\nmodel = "small"\n';

test("mcp add, list, get and remove edit config.toml as codex mcp does, keeping comments", async () => {
  const ws = createWorkspace();
  try {
    const config = join(ws.home, "config.toml");
    writeFileSync(config, BEFORE);
    const run = (args: string[]) => runCli(["mcp", ...args], { cwd: ws.dir, env: { CODEX_HOME: ws.home } });

    let r = await run(["add", "fs", "--env", "ROOT=/srv", "--", "npx", "-y", "server-fs", "--flag"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Added global MCP server 'fs'.\n");
    r = await run(["add", "web", "--url", "http://127.0.0.1:9/mcp", "--bearer-token-env-var", "WEB_KEY"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      readFileSync(config, "utf8"),
      `${BEFORE}\n[mcp_servers.fs]\ncommand = "npx"\nargs = ["-y", "server-fs", "--flag"]\nenv = { ROOT = "/srv" }\n` +
        '\n[mcp_servers.web]\nurl = "http://127.0.0.1:9/mcp"\nbearer_token_env_var = "WEB_KEY"\n',
    );

    r = await run(["list", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const listed = JSON.parse(r.stdout);
    assert.deepEqual(
      listed.map((s: any) => [s.name, s.transport.type]),
      [
        ["fs", "stdio"],
        ["web", "streamable_http"],
      ],
    );
    assert.deepEqual(listed[0].transport.args, ["-y", "server-fs", "--flag"]);
    assert.equal(listed[0].transport.env.ROOT, "*****", "env values are not printed");
    r = await run(["list"]);
    assert.match(
      r.stdout,
      /^Name\s+Command\s+Args\s+Env\s+Cwd\s+Status\nfs\s+npx\s+-y server-fs --flag\s+ROOT=\*\*\*\*\*/,
    );
    assert.match(r.stdout, /web\s+http:\/\/127\.0\.0\.1:9\/mcp\s+WEB_KEY\s+enabled/);

    r = await run(["get", "web", "--json"]);
    assert.equal(JSON.parse(r.stdout).transport.bearer_token_env_var, "WEB_KEY");
    r = await run(["get", "fs"]);
    assert.match(r.stdout, /^fs\n {2}enabled: true\n {2}transport: stdio\n {2}command: npx\n/);
    r = await run(["get", "nope"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No MCP server named 'nope' found/);

    r = await run(["remove", "fs"]);
    assert.equal(r.stdout, "Removed global MCP server 'fs'.\n");
    r = await run(["remove", "web"]);
    assert.equal(readFileSync(config, "utf8"), BEFORE, "back to the file as it was");
    r = await run(["add", "bad name", "--", "x"]);
    assert.equal(r.code, 2);
    r = await run(["add", "x"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give the server's command after `--`/);
  } finally {
    ws.cleanup();
  }
});
