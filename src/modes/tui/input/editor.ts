// The prompt editor's state, as pure functions: multi-line text with a cursor, and ↑/↓ through earlier prompts
// (history.jsonl) when the cursor is on the first or last line.

import { line, plain, type StyledLine, span } from "../render/styled.ts";
import { wrapLines } from "../render/wrap.ts";
import type { KeyEvent } from "./keys.ts";

export interface EditorState {
  text: string;
  /** Offset into `text` (UTF-16 units). */
  cursor: number;
  /** Earlier prompts, oldest first. */
  history: string[];
  /** Position while browsing history; undefined when editing a fresh prompt. */
  historyIndex?: number;
  /** The unsent prompt, kept while browsing history. */
  draft?: string;
}

export function emptyEditor(history: string[] = []): EditorState {
  return { text: "", cursor: 0, history };
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf("\n", at - 1) + 1;
}

function lineEnd(text: string, at: number): number {
  const end = text.indexOf("\n", at);
  return end < 0 ? text.length : end;
}

function edit(state: EditorState, text: string, cursor: number): EditorState {
  return { ...state, text, cursor, historyIndex: undefined, draft: undefined };
}

export function insertText(state: EditorState, input: string): EditorState {
  const { text, cursor } = state;
  return edit(state, text.slice(0, cursor) + input + text.slice(cursor), cursor + input.length);
}

function wordStart(text: string, at: number): number {
  let i = at;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  while (i > 0 && !/\s/.test(text[i - 1])) i--;
  return i;
}

function wordEnd(text: string, at: number): number {
  let i = at;
  while (i < text.length && /\s/.test(text[i])) i++;
  while (i < text.length && !/\s/.test(text[i])) i++;
  return i;
}

/** Moves the cursor one line up or down, keeping its column; undefined when already on the first/last line. */
function verticalMove(state: EditorState, dir: -1 | 1): number | undefined {
  const { text, cursor } = state;
  const start = lineStart(text, cursor);
  const column = cursor - start;
  if (dir < 0) {
    if (start === 0) return undefined;
    const prevStart = lineStart(text, start - 1);
    return Math.min(prevStart + column, start - 1);
  }
  const end = lineEnd(text, cursor);
  if (end === text.length) return undefined;
  const nextEnd = lineEnd(text, end + 1);
  return Math.min(end + 1 + column, nextEnd);
}

function browse(state: EditorState, dir: -1 | 1): EditorState {
  const { history } = state;
  if (history.length === 0) return state;
  const current = state.historyIndex ?? history.length;
  const next = current + dir;
  if (next < 0 || next > history.length) return state;
  const draft = state.historyIndex === undefined ? state.text : state.draft;
  const text = next === history.length ? (draft ?? "") : history[next];
  return {
    ...state,
    text,
    cursor: text.length,
    historyIndex: next === history.length ? undefined : next,
    draft: next === history.length ? undefined : draft,
  };
}

const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The offset one code point before `at`: an emoji's two UTF-16 units move and delete together. */
function prevCodePoint(text: string, at: number): number {
  if (at <= 0) return 0;
  return at >= 2 && isLow(text.charCodeAt(at - 1)) && !isLow(text.charCodeAt(at - 2)) ? at - 2 : at - 1;
}

function nextCodePoint(text: string, at: number): number {
  if (at >= text.length) return text.length;
  return Math.min(text.length, at + ((text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1));
}

/** Applies one key to the editor. Enter, Esc, Ctrl-C/D and Tab are the caller's (submit, interrupt, quit). */
export function editorKey(state: EditorState, event: KeyEvent): EditorState {
  const { text, cursor } = state;
  if (event.kind === "text") return insertText(state, event.text);
  switch (event.name) {
    case "newline":
      return insertText(state, "\n");
    case "backspace": {
      const to = prevCodePoint(text, cursor);
      return cursor === 0 ? state : edit(state, text.slice(0, to) + text.slice(cursor), to);
    }
    case "delete":
      return cursor >= text.length
        ? state
        : edit(state, text.slice(0, cursor) + text.slice(nextCodePoint(text, cursor)), cursor);
    case "left":
      return { ...state, cursor: prevCodePoint(text, cursor) };
    case "right":
      return { ...state, cursor: nextCodePoint(text, cursor) };
    case "word-left":
      return { ...state, cursor: wordStart(text, cursor) };
    case "word-right":
      return { ...state, cursor: wordEnd(text, cursor) };
    case "home":
    case "ctrl-a":
      return { ...state, cursor: lineStart(text, cursor) };
    case "end":
    case "ctrl-e":
      return { ...state, cursor: lineEnd(text, cursor) };
    case "ctrl-u": {
      const start = lineStart(text, cursor);
      return edit(state, text.slice(0, start) + text.slice(cursor), start);
    }
    case "ctrl-k": {
      const end = lineEnd(text, cursor);
      return edit(state, text.slice(0, cursor) + text.slice(end === cursor ? end + 1 : end), cursor);
    }
    case "ctrl-w": {
      const start = wordStart(text, cursor);
      return edit(state, text.slice(0, start) + text.slice(cursor), start);
    }
    case "up": {
      const to = verticalMove(state, -1);
      return to === undefined ? browse(state, -1) : { ...state, cursor: to };
    }
    case "down": {
      const to = verticalMove(state, 1);
      return to === undefined ? browse(state, 1) : { ...state, cursor: to };
    }
    default:
      return state;
  }
}

/** After submitting: empty text, the prompt added to history (unless it repeats the last one). */
export function submitted(state: EditorState, prompt: string): EditorState {
  const history = state.history.at(-1) === prompt ? state.history : [...state.history, prompt];
  return emptyEditor(history);
}

/**
 * The draft as rows no wider than `width`, the cursor an inverse cell, the first line after `prefix` and the
 * others indented under it; at most `maxRows` rows, the window ending at the cursor's row (a long paste must
 * neither push the screen past the terminal's height nor reach Ink unwrapped).
 */
export function draftRows(state: EditorState, prefix: string, width: number, maxRows: number): StyledLine[] {
  const { text, cursor } = state;
  const lines: StyledLine[] = [];
  let start = 0;
  for (const [i, l] of text.split("\n").entries()) {
    const lead = span(i === 0 ? prefix : " ".repeat(prefix.length), { color: "cyan" });
    const at = cursor - start;
    if (at >= 0 && at <= l.length) {
      const under = String.fromCodePoint(l.codePointAt(at) ?? 32);
      lines.push(line(lead, l.slice(0, at), span(under, { inverse: true }), l.slice(at + under.length)));
    } else lines.push(line(lead, l));
    start += l.length + 1;
  }
  const rows = wrapLines(lines, width);
  const cursorRow = Math.max(
    0,
    rows.findIndex((r) => r.spans.some((s) => s.inverse)),
  );
  if (rows.length <= maxRows) return rows;
  // One row marks what is cut; the window ends at the cursor's row, or starts at the top.
  const first = Math.max(0, Math.min(cursorRow - maxRows + 2, rows.length - maxRows + 1));
  if (first === 0)
    return [
      ...rows.slice(0, maxRows - 1),
      plain(`  … ${rows.length - maxRows + 1} rows below`, { dim: true }),
    ];
  return [plain(`  … ${first} rows above`, { dim: true }), ...rows.slice(first, first + maxRows - 1)];
}
