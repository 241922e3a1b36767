// $CODEX_HOME/history.jsonl: one `{session_id, ts, text}` line per submitted prompt (Codex's format, read by
// the TUI for Up-arrow recall). Written with one O_APPEND write per line, mode 0600.
import { JsonlAppender } from "./appender.ts";
import { historyFile } from "./paths.ts";

export interface HistoryEntry {
  session_id: string;
  /** Unix seconds. */
  ts: number;
  text: string;
}

/** Appends one prompt. Throws when the file cannot be written (callers turn that into a warning). */
export function appendHistory(codexHome: string, sessionId: string, text: string, now = Date.now()): void {
  let failure: Error | undefined;
  const file = JsonlAppender.open(historyFile(codexHome), { onError: (e) => (failure = e) });
  try {
    const entry: HistoryEntry = { session_id: sessionId, ts: Math.floor(now / 1000), text };
    file.append(entry);
  } finally {
    file.close();
  }
  if (failure) throw failure;
}
