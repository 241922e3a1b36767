import assert from "node:assert/strict";
import { test } from "node:test";
import { readMcpServers } from "./mcp.ts";
import { addMcpServerText, removeMcpServerText } from "./mcp-writer.ts";

const BASE = `# my settings
model = "gpt-x" # the usual

[mcp_servers.docs]
# docs server
command = "docs-mcp"
args = ["--port", "0"]

[mcp_servers.docs.env]
DOCS_TOKEN = "t"

[profiles.fast]
model = "small"
`;

test("add appends a table and keeps everything else byte for byte", () => {
  const out = addMcpServerText(BASE, "fs", { command: "npx", args: ["-y", "server fs"], env: { A: "1" } });
  assert.ok(out.startsWith(BASE));
  assert.equal(
    out.slice(BASE.length),
    `\n[mcp_servers.fs]\ncommand = "npx"\nargs = ["-y", "server fs"]\nenv = { A = "1" }\n`,
  );
  const { servers } = readMcpServers(require_toml(out));
  assert.deepEqual(
    servers.map((s) => s.name),
    ["docs", "fs"],
  );
});

test("remove takes the table and its sub-tables, nothing else", () => {
  const out = removeMcpServerText(BASE, "docs");
  assert.equal(out, `# my settings\nmodel = "gpt-x" # the usual\n\n[profiles.fast]\nmodel = "small"\n`);
});

test("add replaces a server of the same name; URL servers", () => {
  const out = addMcpServerText(BASE, "docs", {
    url: "http://127.0.0.1:9/mcp",
    bearer_token_env_var: "DOCS_KEY",
  });
  assert.doesNotMatch(out, /docs-mcp|DOCS_TOKEN/);
  assert.match(
    out,
    /\[mcp_servers\.docs\]\nurl = "http:\/\/127\.0\.0\.1:9\/mcp"\nbearer_token_env_var = "DOCS_KEY"\n$/,
  );
  assert.match(out, /\[profiles\.fast\]/);
});

test("a server written inline is refused rather than mangled; bad names are refused", () => {
  assert.throws(
    () => removeMcpServerText('mcp_servers = { x = { command = "a" } }\n', "x"),
    /edit it by hand/,
  );
  assert.throws(
    () => addMcpServerText("", "bad name", { command: "a", args: [], env: {} }),
    /invalid MCP server name/,
  );
});

import { parse } from "smol-toml";

function require_toml(text: string) {
  return parse(text) as Record<string, unknown>;
}
