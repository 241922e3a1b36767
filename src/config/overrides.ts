// `-c key=value` overrides, parsed the way Codex does (codex-rs/utils/cli/src/config_override.rs).
import { parse as parseToml } from "smol-toml";
import { ConfigError } from "./types.ts";

export type TomlTable = Record<string, unknown>;

export interface ParsedOverride {
  /** The key as typed (trimmed), e.g. `profiles."codex-litellm".model`. */
  key: string;
  /** The key split into segments, quotes removed. */
  path: string[];
  value: unknown;
}

/**
 * Splits `key=value` on the first `=`; both sides are trimmed. The value is parsed as a TOML value; when that
 * fails it is taken as a string with surrounding quote characters stripped (so `model=o3` is the string "o3").
 */
export function parseOverride(raw: string): ParsedOverride {
  const eq = raw.indexOf("=");
  if (eq < 0) throw new ConfigError(`Invalid override (missing '='): ${raw}`);
  const key = raw.slice(0, eq).trim();
  const valueText = raw.slice(eq + 1).trim();
  if (key === "") throw new ConfigError(`Empty key in override: ${raw}`);
  const path = splitDottedKey(key);
  if (path === undefined) throw new ConfigError(`Invalid key in override: ${raw}`);
  return { key, path, value: parseOverrideValue(valueText) };
}

export function parseOverrideValue(text: string): unknown {
  try {
    const doc = parseToml(`_x_ = ${text}`);
    // A value with a newline could smuggle in more keys; such input is not one TOML value.
    const keys = Object.keys(doc);
    if (keys.length === 1 && keys[0] === "_x_") return cloneValue(doc["_x_"]);
  } catch {
    // Not TOML: fall through to the string form.
  }
  return text.replace(/^["']+/, "").replace(/["']+$/, "");
}

/**
 * Splits a dotted key into segments, honouring `"double"` (JSON escapes) and `'single'` quoted segments.
 * Returns undefined for an empty segment or an unterminated quote.
 */
export function splitDottedKey(key: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (key[i] === " " || key[i] === "\t") i++;
    let segment: string;
    const q = key[i];
    if (q === '"' || q === "'") {
      let j = i + 1;
      while (j < key.length && key[j] !== q) j += q === '"' && key[j] === "\\" ? 2 : 1;
      if (j >= key.length) return undefined;
      const body = key.slice(i + 1, j);
      if (q === "'") segment = body;
      else {
        try {
          segment = JSON.parse(`"${body}"`) as string;
        } catch {
          return undefined;
        }
      }
      i = j + 1;
      while (key[i] === " " || key[i] === "\t") i++;
    } else {
      let j = i;
      while (j < key.length && key[j] !== ".") j++;
      segment = key.slice(i, j).trim();
      if (segment === "" || /["']/.test(segment)) return undefined;
      i = j;
    }
    out.push(segment);
    if (i >= key.length) return out;
    if (key[i] !== ".") return undefined;
    i++;
  }
}

export function isTable(v: unknown): v is TomlTable {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && isPlain(v);
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Defines an own property, so a key such as `__proto__` is stored as data rather than changing a prototype. */
export function setOwn(table: TomlTable, key: string, value: unknown): void {
  Object.defineProperty(table, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Writes `value` at `dottedKey` inside `table` (mutating it): intermediate tables are created, a non-table in
 * the way is replaced by a table, and the leaf is overwritten.
 */
export function applyOverride(table: TomlTable, dottedKey: string | string[], value: unknown): void {
  const path = typeof dottedKey === "string" ? splitDottedKey(dottedKey) : dottedKey;
  if (path === undefined || path.length === 0) throw new ConfigError(`Invalid key in override: ${dottedKey}`);
  let cur = table;
  for (const segment of path.slice(0, -1)) {
    const next = Object.hasOwn(cur, segment) ? cur[segment] : undefined;
    if (isTable(next)) cur = next;
    else {
      const created: TomlTable = {};
      setOwn(cur, segment, created);
      cur = created;
    }
  }
  setOwn(cur, path[path.length - 1], value);
}

/** Deep copy of tables (as plain objects) and arrays; other values are shared. */
export function cloneValue(v: unknown): unknown {
  if (isTable(v)) return cloneTable(v);
  if (Array.isArray(v)) return v.map(cloneValue);
  return v;
}

export function cloneTable(t: TomlTable): TomlTable {
  const out: TomlTable = {};
  for (const [k, v] of Object.entries(t)) setOwn(out, k, cloneValue(v));
  return out;
}
