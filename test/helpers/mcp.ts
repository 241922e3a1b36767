// MCP servers for end-to-end tests: the real ones installed from npm, and tiny ones written by a test with the
// SDK's server classes (a tool that answers, one that never does, one that kills its server).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const modules = fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/", import.meta.url));
export const EVERYTHING = join(modules, "server-everything/dist/index.js");
export const FILESYSTEM = join(modules, "server-filesystem/dist/index.js");
const SDK = pathToFileURL(join(modules, "sdk/dist/esm/")).href;

/** A `[mcp_servers.<name>]` table; values are written as TOML (JSON strings and arrays are valid TOML). */
export function mcpToml(name: string, keys: Record<string, unknown>): string {
  const lines = [`[mcp_servers.${name}]`];
  for (const [k, v] of Object.entries(keys)) {
    if (v && typeof v === "object" && !Array.isArray(v))
      lines.push(
        `${k} = { ${Object.entries(v)
          .map(([a, b]) => `${JSON.stringify(a)} = ${JSON.stringify(b)}`)
          .join(", ")} }`,
      );
    else lines.push(`${k} = ${JSON.stringify(v)}`);
  }
  return `\n${lines.join("\n")}\n`;
}

/**
 * Writes a stdio MCP server with the tools `ok` (answers "ok from <name>"), `hang` (never answers) and `crash`
 * (the process exits), all unannotated. It writes `<name>-noise` on stderr when it starts.
 */
export function writeTinyServer(dir: string, name: string): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(
    path,
    `import { Server } from ${JSON.stringify(`${SDK}server/index.js`)};
import { StdioServerTransport } from ${JSON.stringify(`${SDK}server/stdio.js`)};
import { CallToolRequestSchema, ListToolsRequestSchema } from ${JSON.stringify(`${SDK}types.js`)};
console.error(${JSON.stringify(`${name}-noise`)});
const server = new Server({ name: ${JSON.stringify(name)}, version: "1.0.0" }, { capabilities: { tools: {} } });
const schema = { type: "object", properties: {} };
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: ["ok", "hang", "crash"].map((name) => ({ name, description: name + " tool", inputSchema: schema })),
}));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name === "hang") await new Promise(() => {});
  if (request.params.name === "crash") process.exit(3);
  return { content: [{ type: "text", text: ${JSON.stringify(`ok from ${name}`)} }] };
});
await server.connect(new StdioServerTransport());
`,
  );
  return path;
}
