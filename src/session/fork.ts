// `fork`: a new session that starts from a stored one. The rollout is copied record for record under a new id
// (its `session_meta` names the new id and `forked_from_id`), so the fork resumes like any session and the
// original is never written to.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { uuidv7 } from "../util/uuid.ts";
import type { SessionFile } from "./find.ts";
import { parseRolloutName, rolloutPath } from "./paths.ts";

export function forkSession(codexHome: string, from: SessionFile, now = new Date()): SessionFile {
  const id = uuidv7();
  const lines = readFileSync(from.path, "utf8").split("\n");
  const first = JSON.parse(lines[0]) as { type?: string; payload?: Record<string, unknown> };
  if (first.type !== "session_meta" || !first.payload) throw new Error(`${from.path} has no session_meta`);
  const timestamp = now.toISOString();
  lines[0] = JSON.stringify({
    ...first,
    timestamp,
    payload: {
      ...first.payload,
      id,
      // Codex 0.171 writes the id twice; keep the copy in step when the original has it.
      ...(first.payload.session_id !== undefined ? { session_id: id } : {}),
      timestamp,
      forked_from_id: from.id,
    },
  });
  const path = rolloutPath(codexHome, id, now);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, lines.join("\n"), { mode: 0o600, flag: "wx" });
  const parsed = parseRolloutName(basename(path));
  return { path, id, stamp: parsed?.stamp ?? "", mtimeMs: Date.now() };
}
