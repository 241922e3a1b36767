// Styled lines cut into rows no wider than the terminal, before Ink sees them. Ink measures every text it
// draws with string-width, which is fast for printable ASCII and slow otherwise: on a long line holding a
// single bullet its cost grows faster than the line (80 KB: seconds). Rows handed to Ink are therefore never
// wider than the terminal (Ink has nothing left to wrap) and each is measured on its own, mostly on the
// ASCII fast path. Continuation rows keep the hanging indent of their line (bullets, list markers).
import chalk from "chalk";
import { eastAsianWidth } from "get-east-asian-width";
import stringWidth from "string-width";
import { printable as safeText } from "../../../util/terminal-text.ts";
import type { Span, StyledLine } from "./styled.ts";

const ASCII = /^[\x20-\x7e]*$/;
/** A code point that is a character of its own: no mark, control, format, emoji or surrogate half. */
const PLAIN = /^[^\p{M}\p{C}\p{Extended_Pictographic}\p{Default_Ignorable_Code_Point}]$/u;

/**
 * Columns `text` takes in a terminal. Printable ASCII is its length; text of plain characters (accented
 * letters, CJK, …) is summed code point by code point from the East Asian Width table; anything else
 * (marks, emoji sequences) goes through string-width's grapheme rules.
 */
export function textWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code >= 0x20 && code < 0x7f) width += 1;
    else if (PLAIN.test(ch)) width += eastAsianWidth(code);
    else return stringWidth(text);
  }
  return width;
}

/** The indent continuation rows keep: leading spaces, bullets and list markers. */
const HANG = /^ *(?:(?:[•›■⚠▌☐☑]|\d{1,4}[.)]) +)* */;

class RowBuilder {
  readonly rows: StyledLine[] = [];
  private spans: Span[] = [];
  private source: Span | undefined;
  width = 0;

  constructor(
    readonly hang: string,
    readonly max: number,
  ) {}

  append(text: string, style: Span, width: number): void {
    const last = this.spans.at(-1);
    if (last && this.source === style) last.text += text;
    else this.spans.push({ ...style, text });
    this.source = style;
    this.width += width;
  }

  /** Ends the current row; the next starts with the hanging indent. */
  break(): void {
    this.rows.push({ spans: this.spans });
    this.spans = this.hang ? [{ text: this.hang }] : [];
    this.source = undefined;
    this.width = this.hang.length;
  }

  end(): StyledLine[] {
    if (this.spans.length > 0) this.rows.push({ spans: this.spans });
    return this.rows;
  }
}

/** Appends a word too long for any row, filling rows character by character (code points). */
function hardBreak(rows: RowBuilder, word: string, style: Span): void {
  if (ASCII.test(word)) {
    let at = 0;
    while (at < word.length) {
      if (rows.width >= rows.max) rows.break();
      const take = Math.max(1, rows.max - rows.width);
      rows.append(word.slice(at, at + take), style, Math.min(take, word.length - at));
      at += take;
    }
    return;
  }
  let piece = "";
  let pieceWidth = 0;
  for (const ch of word) {
    const w = textWidth(ch);
    if (rows.width + pieceWidth + w > rows.max && (piece || rows.width > 0)) {
      if (piece) rows.append(piece, style, pieceWidth);
      rows.break();
      piece = "";
      pieceWidth = 0;
    }
    piece += ch;
    pieceWidth += w;
  }
  if (piece) rows.append(piece, style, pieceWidth);
}

/**
 * Text as the terminal should show it: escape sequences and control characters removed as exec's output does
 * (src/util/terminal-text.ts), tabs as four spaces (string-width gives them none, terminals up to eight), and
 * no line breaks (a row is one line).
 */
function printable(text: string): string {
  if (ASCII.test(text)) return text;
  let t = safeText(text);
  if (t.includes("\t")) t = t.replace(/\t/g, "    ");
  return t.includes("\n") ? t.replace(/\n/g, "") : t;
}

function cut(spans: Span[], width: number): StyledLine {
  const out: Span[] = [];
  let used = 0;
  for (const s of spans) {
    // A long span is not measured whole (string-width slows down on long strings): it is cut by character.
    const w = pieceWidth(s.text, width);
    if (used + w <= width - 1) {
      out.push(s);
      used += w;
      continue;
    }
    let text = "";
    for (const ch of s.text) {
      const cw = textWidth(ch);
      if (used + cw > width - 1) break;
      text += ch;
      used += cw;
    }
    out.push({ ...s, text: `${text}…` });
    break;
  }
  return { spans: out };
}

interface Piece {
  text: string;
  style: Span;
}

/** Width of a piece; a long non-ASCII piece is not measured (string-width slows down on long strings). */
function pieceWidth(text: string, max: number): number {
  return text.length > 2 * max && !ASCII.test(text) ? Number.POSITIVE_INFINITY : textWidth(text);
}

/**
 * `l` as rows of at most `width` columns: words wrap (a word may span several styles), longer words break,
 * `truncate` lines are cut with "…".
 */
export function wrapLine(l: StyledLine, width: number): StyledLine[] {
  const max = Math.max(1, width);
  let length = 0;
  let clean = true;
  for (const s of l.spans) {
    length += s.text.length;
    if (clean && !ASCII.test(s.text)) clean = false;
  }
  if (clean && length <= max) return [l];
  const spans = clean ? l.spans : l.spans.map((s) => ({ ...s, text: printable(s.text) }));
  if (l.truncate)
    return pieceWidth(spans.map((s) => s.text).join(""), max) <= max ? [{ spans }] : [cut(spans, max)];

  const lead = HANG.exec(spans.map((s) => s.text.slice(0, 16)).join(""))?.[0] ?? "";
  const hangWidth = textWidth(lead);
  const rows = new RowBuilder(hangWidth <= max / 2 ? " ".repeat(hangWidth) : "", max);
  // Words are runs of non-space pieces, across spans: "**bold**ly" or the composer's cursor inside a word
  // wraps as one word.
  let word: Piece[] = [];
  const place = () => {
    if (word.length === 0) return;
    let w = 0;
    for (const p of word) w += pieceWidth(p.text, max);
    if (rows.width + w > max && w <= max - rows.hang.length && rows.width > rows.hang.length) rows.break();
    if (rows.width + w <= max) for (const p of word) rows.append(p.text, p.style, textWidth(p.text));
    else for (const p of word) hardBreak(rows, p.text, p.style);
    word = [];
  };
  for (const s of spans) {
    for (const token of s.text.match(/\s+|\S+/g) ?? []) {
      if (!/^\s/.test(token)) {
        word.push({ text: token, style: s });
        continue;
      }
      place();
      const w = ASCII.test(token) ? token.length : textWidth(token);
      if (rows.width + w <= max) rows.append(token, s, w);
      // A space at the end of a row is dropped, unless it is drawn (the composer's cursor).
      else if (!s.inverse) rows.break();
      else {
        if (rows.width > rows.hang.length) rows.break();
        hardBreak(rows, token, s);
      }
    }
  }
  place();
  return rows.end();
}

export function wrapLines(lines: StyledLine[], width: number): StyledLine[] {
  const out: StyledLine[] = [];
  for (const l of lines) {
    const rows = wrapLine(l, width);
    if (rows.length === 1) out.push(rows[0]);
    else for (const r of rows) out.push(r);
  }
  return out;
}

function styled(s: Span): string {
  if (!s.color && !s.bold && !s.italic && !s.dim && !s.inverse && !s.underline) return s.text;
  let c = chalk;
  if (s.color) c = c[s.color];
  if (s.bold) c = c.bold;
  if (s.italic) c = c.italic;
  if (s.dim) c = c.dim;
  if (s.inverse) c = c.inverse;
  if (s.underline) c = c.underline;
  return c(s.text);
}

/** Rows as one string with the terminal's escape codes (none when colours are off), rows joined by newlines. */
export function rowsText(rows: StyledLine[]): string {
  let out = "";
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) out += "\n";
    for (const s of rows[i].spans) out += styled(s);
  }
  return out;
}
