// Earlier prompts for ↑/↓: the tail of $CODEX_HOME/history.jsonl (Codex's format, shared with stock Codex).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { historyFile } from "../../../session/paths.ts";

/** How much of the file's end is read: enough for hundreds of prompts, bounded for huge histories. */
const TAIL_BYTES = 256 * 1024;

/** Prompts, oldest first, consecutive repeats dropped. Never throws: an unreadable file is an empty history. */
export function readPromptHistory(codexHome: string): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(historyFile(codexHome), "r");
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.toString("utf8").split("\n");
    if (start > 0) lines.shift();
    const out: string[] = [];
    for (const l of lines) {
      try {
        const text = (JSON.parse(l) as { text?: unknown }).text;
        if (typeof text === "string" && text.trim() && out.at(-1) !== text) out.push(text);
      } catch {
        // a torn or foreign line: skip it
      }
    }
    return out;
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
