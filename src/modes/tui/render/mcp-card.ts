// `/mcp`: the session's MCP servers, their state and the tools the model can call (by their exposed names).
import type { McpServerStatus } from "../../../mcp/index.ts";
import { line, plain, type StyledLine, span, truncated } from "./styled.ts";

const STATE_COLOR = {
  ready: "green",
  starting: "cyan",
  failed: "red",
  exited: "red",
  disabled: "gray",
} as const;

export function mcpCard(servers: McpServerStatus[]): StyledLine[] {
  const out: StyledLine[] = [
    line(span("/mcp", { dim: true })),
    plain(""),
    line(span("MCP Tools", { bold: true })),
  ];
  if (servers.length === 0) {
    out.push(
      plain("  No MCP servers configured. Add one with `codex-litellm mcp add NAME -- COMMAND`.", {
        dim: true,
      }),
    );
    return out;
  }
  for (const s of servers) {
    out.push(plain(""));
    out.push(
      line(
        span("  • Server: ", { dim: true }),
        span(s.name, { bold: true }),
        span(` (${s.transport})`, { dim: true }),
      ),
    );
    out.push(line(span("    • Status: ", { dim: true }), span(s.state, { color: STATE_COLOR[s.state] })));
    if (s.error)
      out.push(truncated(line(span("    • Error: ", { dim: true }), span(s.error, { color: "red" }))));
    if (s.state === "disabled") continue;
    if (s.tools.length === 0) out.push(plain("    • Tools: (none)", { dim: true }));
    else {
      out.push(plain("    • Tools:", { dim: true }));
      for (const t of s.tools)
        out.push(
          truncated(
            line(
              span("      "),
              span(t.name),
              span(t.readOnly ? " (read-only)" : "", { dim: true }),
              span(t.description ? ` — ${t.description.split("\n")[0]}` : "", { dim: true }),
            ),
          ),
        );
    }
  }
  return out;
}
