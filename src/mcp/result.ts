// What the model reads for an MCP tool result: the text parts as they are, other parts described in one line
// (Chat Completions tool messages carry text only), structured content as JSON when no text came with it,
// and a first line saying so when the server flagged an error. Long text is cut in the middle like command
// output (about 10 KiB kept, `…N chars truncated…`, preceded by `Total output lines: N`).
import { countLines, MODEL_OUTPUT_LIMIT_CHARS, truncateMiddle } from "../tools/shell/format.ts";

/** A `tools/call` result as the server sent it. */
export interface CallToolResultLike {
  content?: unknown[];
  structuredContent?: unknown;
  isError?: boolean;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
}

function size(data: unknown): string {
  return typeof data === "string" ? `${Math.floor((data.length * 3) / 4)} bytes` : "no data";
}

function describePart(part: unknown): string {
  const p = record(part);
  switch (p.type) {
    case "text":
      return typeof p.text === "string" ? p.text : "";
    case "image":
    case "audio":
      return `[${p.type}: ${String(p.mimeType ?? "unknown type")}, ${size(p.data)}; not shown to the model]`;
    case "resource": {
      const r = record(p.resource);
      if (typeof r.text === "string") return `[resource ${String(r.uri ?? "")}]\n${r.text}`;
      return `[resource ${String(r.uri ?? "")}: ${String(r.mimeType ?? "binary")}, ${size(r.blob)}]`;
    }
    case "resource_link":
      return `[resource link: ${String(p.uri ?? "")}${p.name ? ` (${String(p.name)})` : ""}]`;
    default:
      return `[${String(p.type ?? "unknown")} content]`;
  }
}

export function resultText(result: CallToolResultLike, limit = MODEL_OUTPUT_LIMIT_CHARS): string {
  const parts = (result.content ?? []).map(describePart).filter((t) => t !== "");
  let text = parts.join("\n");
  if (
    result.structuredContent !== undefined &&
    !(result.content ?? []).some((p) => record(p).type === "text")
  )
    text = [text, JSON.stringify(result.structuredContent)].filter(Boolean).join("\n");
  if (!text) text = "(no output)";
  if (result.isError) text = `The tool reported an error:\n${text}`;
  const { head, tail, removed } = truncateMiddle(text, limit);
  if (removed === 0) return text;
  return `Total output lines: ${countLines(text)}\n\n${head}…${removed} chars truncated…${tail}`;
}
