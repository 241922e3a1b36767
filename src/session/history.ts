// $CODEX_HOME/history.jsonl: one `{session_id, ts, text}` line per submitted prompt (Codex's format, read by
// the TUI for Up-arrow recall). Written with one O_APPEND write per line, mode 0600. With `history.max_bytes`,
// a file grown past the cap loses its oldest lines until it is about 80% of the cap, as Codex trims it.
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { JsonlAppender } from "./appender.ts";
import { historyFile } from "./paths.ts";

export interface HistoryEntry {
  session_id: string;
  /** Unix seconds. */
  ts: number;
  text: string;
}

/** Share of `max_bytes` a trimmed file is cut down to. */
const TRIM_TO = 0.8;

/** Appends one prompt. Throws when the file cannot be written (callers turn that into a warning). */
export function appendHistory(
  codexHome: string,
  sessionId: string,
  text: string,
  now = Date.now(),
  maxBytes?: number,
): void {
  let failure: Error | undefined;
  const file = JsonlAppender.open(historyFile(codexHome), { onError: (e) => (failure = e) });
  try {
    const entry: HistoryEntry = { session_id: sessionId, ts: Math.floor(now / 1000), text };
    file.append(entry);
  } finally {
    file.close();
  }
  if (failure) throw failure;
  if (maxBytes) trimHistory(historyFile(codexHome), maxBytes);
}

/** Drops the oldest lines of a file larger than `maxBytes` until it fits in 80% of it (written whole, 0600). */
export function trimHistory(path: string, maxBytes: number): void {
  if (statSync(path).size <= maxBytes) return;
  const data = readFileSync(path);
  let start = 0;
  while (data.length - start > maxBytes * TRIM_TO) {
    const nl = data.indexOf(10, start);
    if (nl < 0) {
      start = data.length;
      break;
    }
    start = nl + 1;
  }
  const tmp = `${path}.${process.pid}.trim`;
  writeFileSync(tmp, data.subarray(start), { mode: 0o600 });
  renameSync(tmp, path);
}
