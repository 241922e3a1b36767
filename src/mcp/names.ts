// The names MCP tools get in front of the model, as Codex forms them: `mcp__<server>__<tool>`, every character
// outside `[a-zA-Z0-9_-]` replaced by `_`, at most 64 characters (the limit providers enforce on function
// names). A longer name keeps its start and ends in `_` plus 8 hex digits of the SHA-1 of the full name, so
// it stays unique and stable between runs; a name already taken (two tools sanitised alike) gets the same
// suffix.
import { createHash } from "node:crypto";

export const MAX_TOOL_NAME_LENGTH = 64;
const DELIMITER = "__";

export function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, "_");
}

function hashed(name: string, full: string): string {
  const hash = createHash("sha1").update(full).digest("hex").slice(0, 8);
  return `${name.slice(0, MAX_TOOL_NAME_LENGTH - hash.length - 1)}_${hash}`;
}

/** One exposed name per (server, tool), unique within `taken`, which it extends. */
export function qualifiedToolName(server: string, tool: string, taken: Set<string>): string {
  const full = `mcp${DELIMITER}${server}${DELIMITER}${tool}`;
  let name = sanitizeName(full);
  if (name.length > MAX_TOOL_NAME_LENGTH || taken.has(name)) name = hashed(name, full);
  for (let i = 2; taken.has(name); i++) name = hashed(sanitizeName(full), `${full}#${i}`);
  taken.add(name);
  return name;
}
