// A small Markdown renderer for the model's answers: fenced code blocks, headings, bullet and numbered
// lists, block quotes, and inline **bold**, *italic*/_italic_, `code`. Anything else is shown as written.
// Works on partial text too (a stream cut mid-fence renders the rest as code).
import { type Span, type SpanStyle, type StyledLine, span } from "./styled.ts";

const FENCE = /^\s*(```|~~~)\s*([\w+#.-]*)\s*$/;

export function renderMarkdown(text: string): StyledLine[] {
  const out: StyledLine[] = [];
  let fence: string | undefined;
  for (const raw of text.replace(/\r\n/g, "\n").split("\n")) {
    const f = FENCE.exec(raw);
    if (fence !== undefined) {
      if (f && f[1] === fence) {
        fence = undefined;
        continue;
      }
      out.push({ spans: [span(`    ${raw}`, { color: "cyan" })], truncate: true });
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    out.push(blockLine(raw));
  }
  // Collapse runs of blank lines: models like to pad.
  return out.filter((l, i) => !(isBlank(l) && (i === 0 || isBlank(out[i - 1]))));
}

function isBlank(l: StyledLine): boolean {
  return l.spans.every((s) => s.text.trim() === "");
}

function blockLine(raw: string): StyledLine {
  const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
  if (heading) return { spans: inline(heading[2], { bold: true }) };
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(raw);
  if (bullet) {
    const task = /^\[([ xX])\]\s+(.*)$/.exec(bullet[2]);
    const mark = task ? (task[1] === " " ? "☐ " : "☑ ") : "• ";
    return { spans: [span(bullet[1] + mark), ...inline(task ? task[2] : bullet[2])] };
  }
  const numbered = /^(\s*)(\d+[.)])\s+(.*)$/.exec(raw);
  if (numbered) return { spans: [span(`${numbered[1]}${numbered[2]} `), ...inline(numbered[3])] };
  const quote = /^\s*>\s?(.*)$/.exec(raw);
  if (quote) return { spans: [span("▌ ", { dim: true }), ...inline(quote[1], { dim: true })] };
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(raw)) return { spans: [span("───", { dim: true })] };
  return { spans: inline(raw) };
}

const INLINE =
  /(`+)([^`]+?)\1|\*\*([^*]+?)\*\*|__([^_]+?)__|\*([^*\s][^*]*?)\*|(?<![\w])_([^_\s][^_]*?)_(?![\w])/g;

/** Inline styles on one line; unmatched markers stay as typed. */
export function inline(text: string, base: SpanStyle = {}): Span[] {
  const spans: Span[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) spans.push(span(text.slice(last, at), base));
    if (m[2] !== undefined) spans.push(span(m[2], { ...base, color: "cyan" }));
    else if (m[3] !== undefined || m[4] !== undefined)
      spans.push(...inline(m[3] ?? m[4], { ...base, bold: true }));
    else spans.push(...inline(m[5] ?? m[6], { ...base, italic: true }));
    last = at + m[0].length;
  }
  if (last < text.length || spans.length === 0) spans.push(span(text.slice(last), base));
  return spans;
}
