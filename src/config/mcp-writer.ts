// `codex-litellm mcp add|remove`: the `[mcp_servers.<name>]` table (and its sub-tables) added to or removed
// from config.toml as a textual edit, so comments, other keys and their layout stay byte for byte. Each edit
// is checked by parsing the result: exactly that server must have changed, else nothing is written.
import { isTable } from "./overrides.ts";
import { ConfigError } from "./types.ts";
import { canonical, headerPath, parseDocument, readText, tomlString, writeAtomic } from "./writer.ts";

export const MCP_SERVER_NAME = /^[a-zA-Z0-9_-]+$/;

/** What `mcp add` writes: a stdio command or a streamable HTTP URL. */
export type McpServerEntry =
  | { command: string; args: string[]; env: Record<string, string> }
  | { url: string; bearer_token_env_var?: string };

function tomlValue(v: unknown): string {
  if (typeof v === "string") return tomlString(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  if (isTable(v))
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${MCP_SERVER_NAME.test(k) ? k : tomlString(k)} = ${tomlValue(x)}`)
      .join(", ")} }`;
  return String(v);
}

function isServerHeader(line: string, name: string): boolean {
  const path = headerPath(line);
  return path !== undefined && path.length >= 2 && path[0] === "mcp_servers" && path[1] === name;
}

/** Lines without the server's tables: each header of it up to the next header. */
function withoutServer(lines: string[], name: string): string[] {
  const out: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (/^\s*\[/.test(line) && headerPath(line) !== undefined) skipping = isServerHeader(line, name);
    if (!skipping) out.push(line);
  }
  // The blank line that separated the removed table from what precedes it goes too.
  while (out.length > 0 && out[out.length - 1].trim() === "") out.pop();
  return out;
}

function servers(doc: Record<string, unknown>): Record<string, unknown> {
  return isTable(doc.mcp_servers) ? doc.mcp_servers : {};
}

function edit(text: string, name: string, entry: McpServerEntry | undefined, file: string): string {
  if (!MCP_SERVER_NAME.test(name))
    throw new ConfigError(`invalid MCP server name ${JSON.stringify(name)}: use letters, digits, - and _`);
  const before = parseDocument(text, file);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  let lines = text === "" ? [] : text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (Object.hasOwn(servers(before), name)) lines = withoutServer(lines, name);
  if (entry) {
    if (lines.length > 0) lines.push("");
    lines.push(`[mcp_servers.${name}]`);
    for (const [k, v] of Object.entries(entry)) if (v !== undefined) lines.push(`${k} = ${tomlValue(v)}`);
  }
  const out = lines.length > 0 ? lines.join(eol) + eol : "";

  const expected = parseDocument(text, file);
  const table = servers(expected);
  delete table[name];
  if (entry) table[name] = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
  expected.mcp_servers = table;
  let after: Record<string, unknown>;
  try {
    after = parseDocument(out, file);
  } catch {
    after = {};
  }
  // An `[mcp_servers]` table left empty and one that is gone mean the same.
  for (const doc of [after, expected]) if (Object.keys(servers(doc)).length === 0) delete doc.mcp_servers;
  if (canonical(after) !== canonical(expected))
    throw new ConfigError(`could not update [mcp_servers.${name}] in ${file} safely; edit it by hand`);
  return out;
}

export function addMcpServerText(
  text: string,
  name: string,
  entry: McpServerEntry,
  file = "config.toml",
): string {
  return edit(text, name, entry, file);
}

export function removeMcpServerText(text: string, name: string, file = "config.toml"): string {
  return edit(text, name, undefined, file);
}

/** Adds (or replaces) the server in the config.toml at `path`, creating the file when missing. */
export function saveMcpServer(path: string, name: string, entry: McpServerEntry): void {
  const text = readText(path).replace(/^\uFEFF/, "");
  const out = addMcpServerText(text, name, entry, path);
  if (out !== text) writeAtomic(path, out, 0o600);
}

/** Removes the server; false when config.toml has none of that name. */
export function deleteMcpServer(path: string, name: string): boolean {
  const text = readText(path).replace(/^\uFEFF/, "");
  if (!Object.hasOwn(servers(parseDocument(text, path)), name)) return false;
  const out = removeMcpServerText(text, name, path);
  if (out !== text) writeAtomic(path, out, 0o600);
  return true;
}
