// The model's answers as styled lines. marked's lexer (GFM) parses the Markdown; this file only maps its
// tokens onto StyledLine: fenced code, headings, nested bullet, numbered and task lists, block quotes, tables
// with aligned columns, links (text, then the URL when it differs), rules, and inline bold, italic, code and
// strikethrough. Partial text (a stream cut mid-fence or mid-table) renders as well as it parses. Loaded with
// the TUI and, when exec colours its stderr, by exec.
import { Lexer, type Token, type Tokens } from "marked";
import { type Span, type SpanStyle, type StyledLine, span } from "./styled.ts";
import { textWidth } from "./wrap.ts";

export function renderMarkdown(text: string): StyledLine[] {
  const tokens = new Lexer({ gfm: true }).lex(text.replace(/\r\n/g, "\n"));
  const out = blocks(tokens);
  // Collapse runs of blank lines, and drop leading and trailing ones: models like to pad.
  const kept = out.filter((l, i) => !(isBlank(l) && (i === 0 || isBlank(out[i - 1]))));
  while (kept.length && isBlank(kept[kept.length - 1])) kept.pop();
  return kept;
}

function isBlank(l: StyledLine): boolean {
  return l.spans.every((s) => s.text.trim() === "");
}

const blank = (): StyledLine => ({ spans: [] });

function blocks(tokens: Token[]): StyledLine[] {
  const out: StyledLine[] = [];
  for (const token of tokens) out.push(...block(token));
  return out;
}

function block(token: Token): StyledLine[] {
  switch (token.type) {
    case "space":
      return [blank()];
    case "heading":
      return splitLines(inline((token as Tokens.Heading).tokens, { bold: true }));
    case "paragraph":
      return splitLines(inline((token as Tokens.Paragraph).tokens));
    case "text": {
      const t = token as Tokens.Text;
      return splitLines(t.tokens ? inline(t.tokens) : [span(t.text)]);
    }
    case "code":
      return (token as Tokens.Code).text
        .split("\n")
        .map((l) => ({ spans: [span(`    ${l}`, { color: "cyan" })], truncate: true }));
    case "hr":
      return [{ spans: [span("───", { dim: true })] }];
    case "blockquote":
      return blocks((token as Tokens.Blockquote).tokens).map((l) => ({
        ...l,
        spans: [span("▌ ", { dim: true }), ...l.spans.map((s) => ({ ...s, dim: true }))],
      }));
    case "list":
      return list(token as Tokens.List);
    case "table":
      return table(token as Tokens.Table);
    case "html":
      return (token as Tokens.HTML).text
        .replace(/\n$/, "")
        .split("\n")
        .map((l) => ({ spans: [span(l)] }));
    case "def":
      return [];
    default:
      return "raw" in token && typeof token.raw === "string" && token.raw.trim()
        ? token.raw
            .replace(/\n$/, "")
            .split("\n")
            .map((l) => ({ spans: [span(l)] }))
        : [];
  }
}

function list(token: Tokens.List): StyledLine[] {
  const out: StyledLine[] = [];
  const start = typeof token.start === "number" ? token.start : 1;
  token.items.forEach((item, i) => {
    const marker = item.task
      ? item.checked
        ? "☑ "
        : "☐ "
      : token.ordered
        ? `${start + i}${/^\s*\d+\)/.test(item.raw) ? ")" : "."} `
        : "• ";
    // The checkbox is its own token in item.tokens (marked ≥ 13); the marker already shows it.
    const body = blocks(item.tokens.filter((t) => t.type !== "checkbox")).filter((l) => !isBlank(l));
    const pad = " ".repeat(textWidth(marker));
    if (body.length === 0) out.push({ spans: [span(marker)] });
    for (const [j, l] of body.entries())
      out.push({ ...l, spans: [span(j === 0 ? marker : pad), ...l.spans] });
    if (token.loose && i < token.items.length - 1) out.push(blank());
  });
  return out;
}

function table(token: Tokens.Table): StyledLine[] {
  const header = token.header.map((c) => inline(c.tokens, { bold: true }));
  const rows = token.rows.map((r) => r.map((c) => inline(c.tokens)));
  const widthOf = (spans: Span[]) => textWidth(spans.map((s) => s.text).join(""));
  const widths = header.map((h, col) =>
    Math.max(widthOf(h), ...rows.map((r) => (r[col] ? widthOf(r[col]) : 0))),
  );
  const render = (cells: Span[][]): StyledLine => {
    const spans: Span[] = [];
    widths.forEach((w, col) => {
      const cell = cells[col] ?? [];
      const room = w - widthOf(cell);
      const align = token.align[col];
      const left = align === "right" ? room : align === "center" ? Math.floor(room / 2) : 0;
      if (col > 0) spans.push(span(" │ ", { dim: true }));
      if (left) spans.push(span(" ".repeat(left)));
      spans.push(...cell);
      if (room - left) spans.push(span(" ".repeat(room - left)));
    });
    return { spans, truncate: true };
  };
  const rule: StyledLine = {
    spans: [span(widths.map((w) => "─".repeat(w)).join("─┼─"), { dim: true })],
    truncate: true,
  };
  return [render(header), rule, ...rows.map(render)];
}

/** Inline tokens as spans; a `br` or a newline inside text becomes a "\n" span that splitLines breaks on. */
function inline(tokens: Token[] | undefined, base: SpanStyle = {}): Span[] {
  const out: Span[] = [];
  for (const t of tokens ?? []) {
    switch (t.type) {
      case "strong":
        out.push(...inline((t as Tokens.Strong).tokens, { ...base, bold: true }));
        break;
      case "em":
        out.push(...inline((t as Tokens.Em).tokens, { ...base, italic: true }));
        break;
      case "del":
        out.push(...inline((t as Tokens.Del).tokens, { ...base, dim: true }));
        break;
      case "codespan":
        out.push(span((t as Tokens.Codespan).text, { ...base, color: "cyan" }));
        break;
      case "br":
        out.push(span("\n", base));
        break;
      case "link": {
        const link = t as Tokens.Link;
        const label = inline(link.tokens, { ...base, color: "blue", underline: true });
        out.push(...label);
        const shown = label.map((s) => s.text).join("");
        if (link.href && shown !== link.href && `mailto:${shown}` !== link.href)
          out.push(span(` (${link.href})`, { ...base, dim: true }));
        break;
      }
      case "image": {
        const image = t as Tokens.Image;
        out.push(span(`[image: ${image.text || image.href}]`, { ...base, dim: true }));
        break;
      }
      case "text": {
        const text = t as Tokens.Text;
        if (text.tokens?.length) out.push(...inline(text.tokens, base));
        else out.push(span(text.text, base));
        break;
      }
      case "escape":
        out.push(span((t as Tokens.Escape).text, base));
        break;
      default:
        if ("raw" in t && typeof t.raw === "string") out.push(span(t.raw, base));
    }
  }
  return out;
}

/** Spans holding newlines, as one StyledLine per source line. */
function splitLines(spans: Span[]): StyledLine[] {
  const lines: StyledLine[] = [{ spans: [] }];
  for (const s of spans) {
    const parts = s.text.split("\n");
    parts.forEach((part, i) => {
      if (i > 0) lines.push({ spans: [] });
      if (part) lines[lines.length - 1].spans.push({ ...s, text: part });
    });
  }
  return lines;
}
