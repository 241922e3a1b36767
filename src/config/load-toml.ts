// Reading one TOML file of the configuration. Syntax errors name `path:line:column`, as Codex does.
import { readFileSync } from "node:fs";
import { parse as parseToml, TomlError } from "smol-toml";
import type { TomlTable } from "./overrides.ts";
import { ConfigError } from "./types.ts";

/** Parses a config file; undefined when it does not exist. */
export function readConfigToml(path: string): TomlTable | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return parseToml(text.replace(/^\uFEFF/, "")) as TomlTable;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.replace(/^Invalid TOML document: /, "").split("\n")[0];
      throw new ConfigError(`${path}:${err.line}:${err.column}: invalid TOML: ${reason}`);
    }
    throw new ConfigError(`${path}: invalid TOML: ${(err as Error).message}`);
  }
}
