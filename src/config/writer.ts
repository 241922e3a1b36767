// Writing what the TUI saves: keys of `$CODEX_HOME/codex-litellm.config.toml`, codex-litellm's own file (root
// keys for `/model` and onboarding, `[projects."<path>"]` for the trust prompt; stock Codex never reads it, so
// nothing written here changes how it starts) and `KEY=value` lines in `$CODEX_HOME/.env` (onboarding). Both are minimal textual edits: comments, unknown keys and the layout of everything else stay
// byte for byte as they were. An edit is checked by parsing the result
// and comparing it with the intended table; when that fails nothing is written (ConfigError).
import { mkdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { writeFileAtomic } from "../util/files.ts";
import { parseDotEnvLine } from "./env.ts";
import { isTable } from "./overrides.ts";
import { ConfigError, type TrustLevel } from "./types.ts";

/** A value to set, or `undefined` to remove the key from the table. */
export type ProfileEdit = Record<string, string | undefined>;

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Writes through a temporary file and a rename (none left behind on failure), keeping an existing file's mode (new files get `mode`). */
export function writeAtomic(link: string, text: string, mode: number, forceMode = false): void {
  // A config kept as a symlink (a dotfiles repository) is written where it points, and stays a link.
  let path = link;
  try {
    path = realpathSync(link);
  } catch {}
  let keep = mode;
  if (!forceMode) {
    try {
      keep = statSync(path).mode & 0o777;
    } catch {}
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, text, keep);
}

/**
 * A TOML basic string. JSON's escapes are a subset of TOML's, but JSON leaves DEL (U+007F) as it is, which
 * TOML forbids in basic strings.
 */
export function tomlString(value: string): string {
  return JSON.stringify(value).replace(/\u007f/g, "\\u007F");
}

/**
 * The comment after a `key = value` line's value, with the spaces before it ("" when none): kept when the
 * value is replaced. Single-line string and scalar values only; anything else keeps no comment.
 */
export function trailingComment(line: string): string {
  const value = /^[^=]*=\s*/.exec(line);
  if (!value) return "";
  let i = value[0].length;
  const quote = line[i];
  if (quote === '"' || quote === "'") {
    for (i++; i < line.length && line[i] !== quote; i++) if (quote === '"' && line[i] === "\\") i++;
    i++;
  } else while (i < line.length && line[i] !== "#") i++;
  const comment = /^(\s*)(#.*)$/.exec(line.slice(i));
  return comment ? `${comment[1] || " "}${comment[2]}` : "";
}

/** A table path as written in a header: bare segments where possible, else quoted. */
function dottedKey(path: string[]): string {
  return path.map((p) => (BARE_KEY.test(p) ? p : tomlString(p))).join(".");
}

function keyPattern(key: string): RegExp {
  const quoted = key.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  return new RegExp(`^\\s*(?:${quoted}|"${quoted}"|'${quoted}')\\s*=`);
}

const ANY_HEADER = /^\s*\[/;

/** The path named by a `[table]` header line (any quoting), or undefined when the line is not one. */
export function headerPath(line: string): string[] | undefined {
  if (!/^\s*\[\s*[^[\s]/.test(line)) return undefined;
  let node: unknown;
  try {
    node = parseToml(line.trim());
  } catch {
    return undefined;
  }
  const path: string[] = [];
  while (isTable(node)) {
    const keys = Object.keys(node);
    if (keys.length !== 1) break;
    path.push(keys[0]);
    node = node[keys[0]];
  }
  return path;
}

function lookup(doc: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = doc;
  for (const key of path) {
    if (!isTable(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

export function parseDocument(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    const where = err instanceof TomlError ? `:${err.line}:${err.column}` : "";
    const reason = (err as Error).message.replace(/^Invalid TOML document: /, "").split("\n")[0];
    throw new ConfigError(`${file}${where}: invalid TOML: ${reason}`);
  }
}

/**
 * Returns config.toml's text with `edit` applied to the table at `tablePath` (e.g. `["profiles", "x"]`, or `[]`
 * for the root keys, which go before the first header); the table is appended when the file has none. Pure; throws ConfigError when the text cannot be edited safely
 * (invalid TOML, the table written as dotted keys or an inline table, a value spread over several lines).
 * `file` names the file in messages.
 */
export function editTableText(
  text: string,
  tablePath: string[],
  edit: ProfileEdit,
  file = "config.toml",
): string {
  const before = parseDocument(text, file);
  const name = dottedKey(tablePath);
  const unsafe = () => new ConfigError(`could not update ${name} in ${file} safely; edit it by hand`);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text === "" ? [] : text.split(/\r?\n/);
  const trailingNewline = text === "" || /\n$/.test(text);
  if (trailingNewline && lines.length > 0) lines.pop();

  const wanted = JSON.stringify(tablePath);
  // The root table starts before the first line.
  const start =
    tablePath.length === 0
      ? -1
      : lines.findIndex((l) => {
          const path = headerPath(l);
          return path !== undefined && JSON.stringify(path) === wanted;
        });
  const existing = lookup(before, tablePath);
  if (start < 0 && tablePath.length > 0) {
    if (existing !== undefined)
      throw new ConfigError(`${name} is written in a form this editor does not change; edit ${file} by hand`);
    const added = Object.entries(edit).filter(([, v]) => v !== undefined);
    if (added.length > 0) {
      if (lines.length > 0 && lines[lines.length - 1].trim() !== "") lines.push("");
      lines.push(`[${name}]`);
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
          lines[at] = `${indent}${key} = ${tomlString(value)}${trailingComment(lines[at])}`;
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
    throw unsafe();
  }
  const expected = parseToml(text) as Record<string, unknown>;
  const current = lookup(expected, tablePath);
  const table = isTable(current) ? current : {};
  for (const [key, value] of Object.entries(edit)) {
    if (value === undefined) delete table[key];
    else table[key] = value;
  }
  if (tablePath.length > 0 && (existing !== undefined || Object.keys(table).length > 0)) {
    let parent = expected;
    for (const key of tablePath.slice(0, -1)) {
      if (!Object.hasOwn(parent, key)) parent[key] = {};
      const next = parent[key];
      if (!isTable(next)) throw unsafe();
      parent = next;
    }
    parent[tablePath[tablePath.length - 1]] = table;
  }
  if (canonical(after) !== canonical(expected)) throw unsafe();
  return out;
}
/** JSON with sorted keys: compares parsed documents regardless of key order and prototypes. */
export function canonical(value: unknown): string {
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

/** `editTableText` for `[profiles.<profile>]`. */
export function editProfileText(text: string, profile: string, edit: ProfileEdit): string {
  return editTableText(text, ["profiles", profile], edit);
}

/** Applies `edit` to the table at `tablePath` of the config.toml at `path`, creating the file when missing. */
export function saveTableKeys(path: string, tablePath: string[], edit: ProfileEdit): void {
  const text = readText(path).replace(/^\uFEFF/, "");
  const out = editTableText(text, tablePath, edit, path);
  if (out !== text) writeAtomic(path, out, 0o600);
}

/** Applies `edit` to the root keys of the TOML file at `path` (codex-litellm's own file), creating it when missing. */
export function saveRootKeys(path: string, edit: ProfileEdit): void {
  saveTableKeys(path, [], edit);
}

/** `/model`'s choice, saved as root keys of codex-litellm's own file (no effort: the key is removed). */
export function saveModelChoice(ownConfigPath: string, model: string, effort: string | undefined): void {
  saveRootKeys(ownConfigPath, { model, model_reasoning_effort: effort });
}

/** Records the trust decision for `project` (an absolute path): `[projects."<project>"] trust_level`. */
export function saveProjectTrust(path: string, project: string, level: TrustLevel): void {
  saveTableKeys(path, ["projects", project], { trust_level: level });
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

/** Removes every line assigning one of `keys` from the `.env` at `path` (`logout`); returns the names removed. */
export function removeDotEnvValues(path: string, keys: readonly string[]): string[] {
  const text = readText(path);
  if (!text) return [];
  const removed = new Set<string>();
  const kept = text.split(/\r?\n/).filter((line) => {
    const name = parseDotEnvLine(line)?.[0];
    if (name === undefined || !keys.includes(name)) return true;
    removed.add(name);
    return false;
  });
  if (removed.size > 0) writeAtomic(path, kept.join("\n"), 0o600, true);
  return [...removed];
}
