// Writing what the TUI saves: keys of one `[profiles.<name>]` table in config.toml (`/model`, onboarding) and
// `KEY=value` lines in `$CODEX_HOME/.env` (onboarding). Both are minimal textual edits: comments, unknown keys
// and the layout of everything else stay byte for byte as they were. An edit is checked by parsing the result
// and comparing it with the intended table; when that fails nothing is written (ConfigError).
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parseDotEnvLine } from "./env.ts";
import { ConfigError } from "./types.ts";

/** A value to set, or `undefined` to remove the key from the table. */
export type ProfileEdit = Record<string, string | undefined>;

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Writes through a temporary file and a rename, keeping an existing file's mode (new files get `mode`). */
function writeAtomic(path: string, text: string, mode: number, forceMode = false): void {
  let keep = mode;
  if (!forceMode) {
    try {
      keep = statSync(path).mode & 0o777;
    } catch {}
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: keep });
  chmodSync(tmp, keep);
  renameSync(tmp, path);
}

/** A TOML basic string: JSON's escapes are a subset of TOML's. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

function keyPattern(key: string): RegExp {
  const quoted = key.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  return new RegExp(`^\\s*(?:${quoted}|"${quoted}"|'${quoted}')\\s*=`);
}

function headerPattern(profile: string): RegExp {
  const name = profile.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  const part = BARE_KEY.test(profile) ? `(?:${name}|"${name}"|'${name}')` : `(?:"${name}"|'${name}')`;
  return new RegExp(`^\\s*\\[\\s*profiles\\s*\\.\\s*${part}\\s*\\]\\s*(?:#.*)?$`);
}

const ANY_HEADER = /^\s*\[/;

/**
 * Returns config.toml's text with `edit` applied to `[profiles.<profile>]` (the table is appended when the file
 * has none). Pure; throws ConfigError when the text cannot be edited safely (invalid TOML, the profile written
 * as dotted keys or an inline table, a value spread over several lines).
 */
export function editProfileText(text: string, profile: string, edit: ProfileEdit): string {
  let before: Record<string, unknown>;
  try {
    before = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`config.toml is not valid TOML (${(err as Error).message.split("\n")[0]})`);
  }
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text === "" ? [] : text.split(/\r?\n/);
  const trailingNewline = text === "" || /\n$/.test(text);
  if (trailingNewline && lines.length > 0) lines.pop();

  const header = headerPattern(profile);
  const start = lines.findIndex((l) => header.test(l));
  const profiles = (before.profiles ?? {}) as Record<string, unknown>;
  const keyName = BARE_KEY.test(profile) ? profile : tomlString(profile);
  if (start < 0) {
    if (Object.hasOwn(profiles, profile)) {
      throw new ConfigError(
        `profiles.${keyName} is written in a form this editor does not change; edit config.toml by hand`,
      );
    }
    const added = Object.entries(edit).filter(([, v]) => v !== undefined);
    if (added.length > 0) {
      if (lines.length > 0 && lines[lines.length - 1].trim() !== "") lines.push("");
      lines.push(`[profiles.${keyName}]`);
      for (const [key, value] of added) lines.push(`${key} = ${tomlString(value as string)}`);
    }
  } else {
    let end = lines.length;
    for (let i = start + 1; i < lines.length; i++) {
      if (ANY_HEADER.test(lines[i])) {
        end = i;
        break;
      }
    }
    for (const [key, value] of Object.entries(edit)) {
      const pattern = keyPattern(key);
      const at = lines.findIndex((l, i) => i > start && i < end && pattern.test(l));
      if (at >= 0) {
        if (value === undefined) {
          lines.splice(at, 1);
          end--;
        } else {
          const indent = /^\s*/.exec(lines[at])?.[0] ?? "";
          lines[at] = `${indent}${key} = ${tomlString(value)}`;
        }
      } else if (value !== undefined) {
        // After the table's last non-blank line, so blank lines and comments before the next header stay put.
        let insert = start + 1;
        for (let i = start + 1; i < end; i++) if (/^\s*[^\s#]/.test(lines[i])) insert = i + 1;
        lines.splice(insert, 0, `${key} = ${tomlString(value)}`);
        end++;
      }
    }
  }
  const out = lines.join(eol) + (lines.length > 0 ? eol : "");

  // The edit must have changed exactly the intended keys.
  let after: Record<string, unknown>;
  try {
    after = parseToml(out) as Record<string, unknown>;
  } catch {
    throw new ConfigError(`could not update profiles.${keyName} in config.toml safely; edit it by hand`);
  }
  const expected = parseToml(text) as Record<string, unknown>;
  const expectedProfiles = (expected.profiles ?? {}) as Record<string, Record<string, unknown>>;
  const table = expectedProfiles[profile] ?? {};
  for (const [key, value] of Object.entries(edit)) {
    if (value === undefined) delete table[key];
    else table[key] = value;
  }
  if (Object.hasOwn(profiles, profile) || Object.keys(table).length > 0) {
    expectedProfiles[profile] = table;
    expected.profiles = expectedProfiles;
  }
  if (canonical(after) !== canonical(expected))
    throw new ConfigError(`could not update profiles.${keyName} in config.toml safely; edit it by hand`);
  return out;
}

/** JSON with sorted keys: compares parsed documents regardless of key order and prototypes. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** Applies `edit` to `[profiles.<profile>]` of the config.toml at `path`, creating the file when missing. */
export function saveProfileKeys(path: string, profile: string, edit: ProfileEdit): void {
  const text = readText(path).replace(/^\uFEFF/, "");
  const out = editProfileText(text, profile, edit);
  if (out !== text) writeAtomic(path, out, 0o600);
}

/** `.env` text with `key` set to `value` (JSON-quoted): the last line assigning `key` is replaced, else appended. */
export function setDotEnvText(text: string, key: string, value: string): string {
  const lines = text === "" ? [] : text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const line = `${key}=${JSON.stringify(value)}`;
  let at = -1;
  for (let i = 0; i < lines.length; i++) if (parseDotEnvLine(lines[i])?.[0] === key) at = i;
  if (at >= 0) lines[at] = line;
  else lines.push(line);
  return `${lines.join("\n")}\n`;
}

/** Sets variables in the `.env` at `path`; the file is (re)written with mode 0600, as it holds secrets. */
export function saveDotEnvValues(path: string, values: Record<string, string>): void {
  let text = readText(path);
  for (const [key, value] of Object.entries(values)) text = setDotEnvText(text, key, value);
  writeAtomic(path, text, 0o600, true);
}
