// What the TUI draws, as data: lines of styled spans. Cells, cards and Markdown become StyledLine[] through
// pure functions (unit-tested as text); one Ink component (lines.tsx) turns them into <Text> elements.

export type Color = "red" | "green" | "yellow" | "blue" | "magenta" | "cyan" | "gray";

export interface SpanStyle {
  color?: Color;
  bold?: boolean;
  italic?: boolean;
  dim?: boolean;
  inverse?: boolean;
  underline?: boolean;
}

export interface Span extends SpanStyle {
  text: string;
}

export interface StyledLine {
  spans: Span[];
  /** Long lines are cut at the terminal's width instead of wrapped (command output, diffs). */
  truncate?: boolean;
}

export function span(text: string, style: SpanStyle = {}): Span {
  return { text, ...style };
}

export function line(...spans: (Span | string)[]): StyledLine {
  return { spans: spans.map((s) => (typeof s === "string" ? { text: s } : s)) };
}

/** One line, all in one style. */
export function plain(text: string, style: SpanStyle = {}): StyledLine {
  return { spans: [{ text, ...style }] };
}

export function truncated(l: StyledLine): StyledLine {
  return { ...l, truncate: true };
}

/** The text a user would see, without styles (tests, the debug log). */
export function lineText(l: StyledLine): string {
  return l.spans.map((s) => s.text).join("");
}

export function linesText(lines: StyledLine[]): string {
  return lines.map(lineText).join("\n");
}

/** Prefixes every line (first line with `first`, the rest with `rest`): bullets and indents of cells. */
export function indent(lines: StyledLine[], first: Span | string, rest = "  "): StyledLine[] {
  const head = typeof first === "string" ? { text: first } : first;
  return lines.map((l, i) => ({ ...l, spans: [i === 0 ? head : { text: rest }, ...l.spans] }));
}
