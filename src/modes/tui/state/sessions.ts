// The /resume picker's rows: stored sessions started in this directory, newest first, each with its first
// prompt (from history.jsonl) so the user recognises it.
import { readFileSync } from "node:fs";
import { firstPrompt, listSessionFiles, readSessionMeta, type SessionFile } from "../../../session/find.ts";
import { historyFile } from "../../../session/paths.ts";
import type { PickerItem } from "../input/picker.ts";

const MAX_SESSIONS = 50;

function firstPrompts(codexHome: string): Map<string, string> {
  const out = new Map<string, string>();
  let text = "";
  try {
    text = readFileSync(historyFile(codexHome), "utf8");
  } catch {
    return out;
  }
  for (const l of text.split("\n")) {
    try {
      const entry = JSON.parse(l) as { session_id?: unknown; text?: unknown };
      if (
        typeof entry.session_id === "string" &&
        typeof entry.text === "string" &&
        !out.has(entry.session_id)
      )
        out.set(entry.session_id, entry.text);
    } catch {
      // skip torn lines
    }
  }
  return out;
}

/** `2025-11-02T12-54-11` → `2025-11-02 12:54`. */
function when(stamp: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})/.exec(stamp);
  return m ? `${m[1]} ${m[2]}:${m[3]}` : stamp;
}

export function resumableSessions(
  codexHome: string,
  cwd: string,
  exclude?: string,
  options: { interactiveOnly?: boolean } = {},
): PickerItem<SessionFile>[] {
  const prompts = firstPrompts(codexHome);
  const items: PickerItem<SessionFile>[] = [];
  for (const file of listSessionFiles(codexHome)) {
    if (items.length >= MAX_SESSIONS) break;
    if (file.id === exclude) continue;
    const meta = readSessionMeta(file.path);
    if (meta?.cwd !== cwd) continue;
    // As Codex's picker: sessions `exec` started are listed only with --include-non-interactive.
    if (options.interactiveOnly && meta.source === "exec") continue;
    const prompt = (prompts.get(file.id) ?? firstPrompt(file.path) ?? "(no prompt recorded)")
      .replace(/\s+/g, " ")
      .trim();
    items.push({
      label: `${when(file.stamp)}  ${prompt.length > 70 ? `${prompt.slice(0, 69)}…` : prompt}`,
      detail: file.id.slice(0, 13),
      value: file,
    });
  }
  return items;
}
