// Where sessions live under $CODEX_HOME: sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl,
// dates in local time (Codex's layout, so both agents' files sort and read the same way).
import { join } from "node:path";

const pad = (n: number) => String(n).padStart(2, "0");

export function sessionsRoot(codexHome: string): string {
  return join(codexHome, "sessions");
}

export function historyFile(codexHome: string): string {
  return join(codexHome, "history.jsonl");
}

export function rolloutPath(codexHome: string, id: string, when: Date): string {
  const y = String(when.getFullYear());
  const m = pad(when.getMonth() + 1);
  const d = pad(when.getDate());
  const time = `${pad(when.getHours())}-${pad(when.getMinutes())}-${pad(when.getSeconds())}`;
  return join(sessionsRoot(codexHome), y, m, d, `rollout-${y}-${m}-${d}T${time}-${id}.jsonl`);
}

const ROLLOUT_NAME = /^rollout-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-([0-9a-fA-F-]{36})\.jsonl$/;

/** The session id and timestamp encoded in a rollout file name, or undefined for other files. */
export function parseRolloutName(name: string): { id: string; stamp: string } | undefined {
  const match = ROLLOUT_NAME.exec(name);
  return match ? { stamp: match[1], id: match[2].toLowerCase() } : undefined;
}
