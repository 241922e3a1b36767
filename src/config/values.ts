// Typed readers over a TOML table. Each throws ConfigError naming the full dotted key when the value has the
// wrong type; absent keys read as undefined (callers apply defaults).
import { isTable, type TomlTable } from "./overrides.ts";
import { ConfigError } from "./types.ts";

export function describe(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (isTable(v)) return "a table";
  if (v instanceof Date) return "a date";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  return typeof v;
}

function typeError(key: string, expected: string, v: unknown): ConfigError {
  return new ConfigError(`invalid config value for \`${key}\`: expected ${expected}, got ${describe(v)}`);
}

/** `prefix.key`, or `key` at the root. */
function fullKey(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

export class TableReader {
  constructor(
    readonly data: TomlTable,
    /** Dotted path of `table` for messages; "" for the root. */
    readonly prefix = "",
  ) {}

  private get(key: string): unknown {
    return Object.hasOwn(this.data, key) ? this.data[key] : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** A string; blank strings read as undefined. */
  string(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw typeError(fullKey(this.prefix, key), "a string", v);
    return v.trim() === "" ? undefined : v;
  }

  bool(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") throw typeError(fullKey(this.prefix, key), "true or false", v);
    return v;
  }

  /** An integer no smaller than `min`. */
  int(key: string, min: number): number | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      const expected = min === 0 ? "a non-negative integer" : `an integer >= ${min}`;
      throw typeError(fullKey(this.prefix, key), expected, v);
    }
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
      throw new ConfigError(
        `invalid config value for \`${fullKey(this.prefix, key)}\`: ${describe(v)} (allowed: ${allowed.join(", ")})`,
      );
    }
    return v as T;
  }

  stringArray(key: string): string[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      throw typeError(fullKey(this.prefix, key), "an array of strings", v);
    }
    return v as string[];
  }

  /**
   * A table of strings. Numbers and booleans are accepted and stringified, because `-c` parses `FOO=1` as an
   * integer and env values / headers are strings on the wire anyway.
   */
  stringMap(key: string): Record<string, string> | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!isTable(v)) throw typeError(fullKey(this.prefix, key), "a table", v);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === "string") out[k] = x;
      else if (typeof x === "number" || typeof x === "boolean") out[k] = String(x);
      else throw typeError(fullKey(fullKey(this.prefix, key), k), "a string", x);
    }
    return out;
  }

  /** A sub-table reader; an absent table reads as empty. */
  table(key: string): TableReader {
    const v = this.get(key);
    if (v === undefined) return new TableReader({}, fullKey(this.prefix, key));
    if (!isTable(v)) throw typeError(fullKey(this.prefix, key), "a table", v);
    return new TableReader(v, fullKey(this.prefix, key));
  }

  /** The raw sub-table, or undefined when absent. */
  optionalTable(key: string): TomlTable | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!isTable(v)) throw typeError(fullKey(this.prefix, key), "a table", v);
    return v;
  }
}
