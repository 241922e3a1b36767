// The only module that touches `process.env`. Every function takes an optional env object so tests can pass
// their own; without one they use (and, for `loadDotEnv`, mutate) the real process environment.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "./types.ts";

export type Env = NodeJS.ProcessEnv;

/** The real process environment. */
export function processEnv(): Env {
  return process.env;
}

/** `$CODEX_HOME` (blank counts as unset; relative paths resolve against the process cwd), else `~/.codex`. */
export function codexHome(env: Env = process.env): string {
  const fromEnv = env["CODEX_HOME"]?.trim();
  if (fromEnv) return resolve(fromEnv);
  return join(homeDir(env), ".codex");
}

/** `$HOME` when set, else the OS account's home directory. */
export function homeDir(env: Env = process.env): string {
  const home = env["HOME"]?.trim();
  return home ? home : homedir();
}

/** A variable's value, trimmed; undefined when unset or blank. */
export function envValue(name: string, env: Env = process.env): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/;

/**
 * Parses one `.env` line. Returns undefined for blank lines, comments and malformed lines.
 * Values: `'single'` is literal, `"double"` uses JSON escapes, unquoted values are trimmed and lose a
 * trailing ` # comment`.
 */
export function parseDotEnvLine(line: string): [string, string] | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const key = m[1];
  const rest = m[2].trim();
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    const close = findClosingQuote(rest, quote);
    if (close < 0) return undefined;
    const tail = rest.slice(close + 1).trim();
    if (tail !== "" && !tail.startsWith("#")) return undefined;
    const body = rest.slice(1, close);
    if (quote === "'") return [key, body];
    try {
      // Raw newlines/tabs are not valid in JSON strings but are harmless in a .env value.
      const decoded: unknown = JSON.parse(`"${body.replace(/\t/g, "\\t")}"`);
      return typeof decoded === "string" ? [key, decoded] : undefined;
    } catch {
      return undefined;
    }
  }
  const hash = rest.search(/(^|\s)#/);
  return [key, (hash >= 0 ? rest.slice(0, hash) : rest).trim()];
}

function findClosingQuote(s: string, quote: string): number {
  for (let i = 1; i < s.length; i++) {
    if (quote === '"' && s[i] === "\\") {
      i++;
      continue;
    }
    if (s[i] === quote) return i;
  }
  return -1;
}

/**
 * Loads `KEY=value` lines from `path` into `env`, never replacing a variable that is already set (even to "").
 * A missing file is fine; malformed lines are skipped. Returns the names that were set.
 */
export function loadDotEnv(path: string, env: Env = process.env): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  // Within the file the last assignment of a name wins, as with dotenv.
  const values = new Map<string, string>();
  for (const line of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const parsed = parseDotEnvLine(line);
    if (parsed) values.set(parsed[0], parsed[1]);
  }
  const set: string[] = [];
  for (const [key, value] of values) {
    if (env[key] !== undefined) continue;
    env[key] = value;
    set.push(key);
  }
  return set;
}
