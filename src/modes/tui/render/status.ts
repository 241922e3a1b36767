// The `/status` card: session configuration, token usage, the context window and the LiteLLM usage card.
import { relative } from "node:path";
import type { Usage } from "../../../protocol/model.ts";
import { compactTokens } from "../../../telemetry/usage.ts";
import { contextWindowSummary } from "./context.ts";
import { line, plain, type StyledLine, span } from "./styled.ts";

export interface StatusInfo {
  version: string;
  model?: string;
  effort?: string;
  provider: { id: string; name: string; baseUrl?: string };
  cwd: string;
  home?: string;
  approvalPolicy: string;
  sandbox: string;
  /** AGENTS.md files sent to the model (absolute paths). */
  agentsFiles: string[];
  sessionId: string;
  usage: Usage;
  contextUsed: number;
  contextWindow?: number;
  /** `formatUsageSummary(...)`: "LiteLLM usage: …" then per-model rows. */
  litellmLines: string[];
  /** Where config.toml lives, for the LiteLLM footer lines. */
  configPath?: string;
}

const LABEL_WIDTH = 18;

function row(label: string, ...value: ReturnType<typeof span>[]): StyledLine {
  return line(span(` ${`${label}:`.padEnd(LABEL_WIDTH)}`, { dim: true }), ...value);
}

function tilde(path: string, home?: string): string {
  if (home && (path === home || path.startsWith(`${home}/`))) return `~${path.slice(home.length)}`;
  return path;
}

export function statusCard(s: StatusInfo): StyledLine[] {
  const agents = s.agentsFiles.map((f) => {
    const rel = relative(s.cwd, f);
    return rel.startsWith("..") ? tilde(f, s.home) : rel;
  });
  const total = s.usage.total_tokens || s.usage.input_tokens + s.usage.output_tokens;
  const provider =
    s.provider.name.toLowerCase() === s.provider.id.toLowerCase()
      ? s.provider.name
      : `${s.provider.name} (${s.provider.id})`;
  const out: StyledLine[] = [
    line(span(">_ ", { dim: true }), span(`codex-litellm (v${s.version})`, { bold: true })),
    plain(""),
    row(
      "Model",
      span(s.model ?? "no model selected", s.model ? {} : { color: "yellow" }),
      span(s.model ? ` (reasoning ${s.effort ?? "default"})` : "  run /model to choose one", {
        dim: !s.model,
      }),
    ),
    row("Model provider", span(`${provider} - ${s.provider.baseUrl ?? "(no base URL)"}`)),
    row("Directory", span(tilde(s.cwd, s.home))),
    row("Approval", span(s.approvalPolicy)),
    row("Sandbox", span(s.sandbox)),
    row("Agents.md", span(agents.length ? agents.join(", ") : "<none>")),
    row("Session", span(s.sessionId)),
    plain(""),
    row(
      "Token usage",
      span(
        `${compactTokens(total)} total (${compactTokens(s.usage.input_tokens)} input + ${compactTokens(s.usage.output_tokens)} output)`,
      ),
    ),
    row("Context window", span(contextWindowSummary(s.contextUsed, s.contextWindow))),
  ];
  const [headline, ...models] = s.litellmLines;
  if (headline) {
    out.push(row("LiteLLM usage", span(headline.replace(/^LiteLLM usage:\s*/, ""))));
    for (const m of models) out.push(line(span(" ".repeat(LABEL_WIDTH + 1)), span(m.trim())));
  }
  return out;
}
