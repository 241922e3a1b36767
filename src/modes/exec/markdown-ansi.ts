// exec's answer on a colour terminal: the TUI's Markdown lines (marked's lexer) as ANSI text for stderr. Loaded
// only when exec colours its output; stdout always gets the answer as the model wrote it.
import { renderMarkdown } from "../tui/render/markdown.ts";
import type { Span } from "../tui/render/styled.ts";

const COLORS = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90 } as const;

function ansi(s: Span): string {
  const codes: number[] = [];
  if (s.bold) codes.push(1);
  if (s.dim) codes.push(2);
  if (s.italic) codes.push(3);
  if (s.underline) codes.push(4);
  if (s.inverse) codes.push(7);
  if (s.color) codes.push(COLORS[s.color]);
  return codes.length ? `\x1b[${codes.join(";")}m${s.text}\x1b[0m` : s.text;
}

export function markdownToAnsi(text: string): string {
  return renderMarkdown(text)
    .map((l) => l.spans.map(ansi).join(""))
    .join("\n");
}
