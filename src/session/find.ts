// Finding stored sessions: by id (or a unique prefix of it), or the most recently used one for a directory.
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../util/errors.ts";
import { parseRolloutName, sessionsRoot } from "./paths.ts";
import type { SessionMeta } from "./types.ts";

export interface SessionFile {
  path: string;
  id: string;
  /** `YYYY-MM-DDThh-mm-ss` from the file name (local time of creation). */
  stamp: string;
  /** Last write: a resumed session counts as recent again. */
  mtimeMs: number;
}

function subdirs(dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && pattern.test(e.name))
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** Every rollout file under $CODEX_HOME/sessions, most recently written first. */
export function listSessionFiles(codexHome: string): SessionFile[] {
  const out: SessionFile[] = [];
  for (const year of subdirs(sessionsRoot(codexHome), /^\d{4}$/))
    for (const month of subdirs(year, /^\d{2}$/))
      for (const day of subdirs(month, /^\d{2}$/)) {
        let names: string[];
        try {
          names = readdirSync(day);
        } catch {
          continue;
        }
        for (const name of names) {
          const parsed = parseRolloutName(name);
          if (!parsed) continue;
          const path = join(day, name);
          try {
            const st = statSync(path);
            if (st.isFile()) out.push({ path, id: parsed.id, stamp: parsed.stamp, mtimeMs: st.mtimeMs });
          } catch {}
        }
      }
  return out.sort(
    (a, b) => b.mtimeMs - a.mtimeMs || b.stamp.localeCompare(a.stamp) || b.id.localeCompare(a.id) || 0,
  );
}

const MAX_META_BYTES = 4 * 1024 * 1024;

/** The `session_meta` payload from a rollout's first line, without reading the rest of the file. */
export function readSessionMeta(path: string): SessionMeta | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(64 * 1024);
    while (total < MAX_META_BYTES) {
      const n = readSync(fd, chunk, 0, chunk.length, total);
      if (n === 0) break;
      const part = chunk.subarray(0, n);
      const newline = part.indexOf(0x0a);
      chunks.push(Buffer.from(newline >= 0 ? part.subarray(0, newline) : part));
      total += n;
      if (newline >= 0) break;
    }
    const record = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { type?: string; payload?: unknown };
    const meta = record?.payload as SessionMeta | undefined;
    return record?.type === "session_meta" && typeof meta?.id === "string" ? meta : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The most recently written session started in `cwd` (any directory when `cwd` is undefined). */
export function findLatestSession(codexHome: string, cwd: string | undefined): SessionFile | undefined {
  for (const file of listSessionFiles(codexHome)) {
    if (cwd === undefined) return file;
    if (readSessionMeta(file.path)?.cwd === cwd) return file;
  }
  return undefined;
}

/** The session with this id, or the only one whose id starts with it. Throws a UserError otherwise. */
export function findSessionById(codexHome: string, idOrPrefix: string): SessionFile {
  const wanted = idOrPrefix.trim().toLowerCase();
  if (!wanted) throw new UserError("an empty session id was given");
  const files = listSessionFiles(codexHome);
  const exact = files.find((f) => f.id === wanted);
  if (exact) return exact;
  const matches = files.filter((f) => f.id.startsWith(wanted));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    const ids = matches.slice(0, 5).map((f) => f.id);
    throw new UserError(
      `session id prefix \`${idOrPrefix}\` is ambiguous: it matches ${matches.length} sessions (${ids.join(", ")}${matches.length > 5 ? ", …" : ""})`,
    );
  }
  throw new UserError(`no session with id \`${idOrPrefix}\` in ${sessionsRoot(codexHome)}`);
}

const FIRST_PROMPT_SCAN_BYTES = 1024 * 1024;

/** The first prompt the user typed in a session (its first `user_message` event), from the file's first MiB. */
export function firstPrompt(path: string): string | undefined {
  let head: string;
  try {
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(FIRST_PROMPT_SCAN_BYTES);
      head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  for (const line of head.split("\n")) {
    if (!line.includes('"user_message"')) continue;
    try {
      const record = JSON.parse(line) as { type?: string; payload?: { type?: string; message?: unknown } };
      if (record.type === "event_msg" && record.payload?.type === "user_message")
        return typeof record.payload.message === "string" ? record.payload.message : undefined;
    } catch {}
  }
  return undefined;
}
