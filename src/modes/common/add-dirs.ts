// `--add-dir DIR`: more writable roots for this run, beside `[sandbox_workspace_write] writable_roots`.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { ResolvedConfig } from "../../config/types.ts";
import { UserError } from "../../util/errors.ts";

export function withAddedDirs(config: ResolvedConfig, dirs: string[], cwd: string): ResolvedConfig {
  if (dirs.length === 0) return config;
  const added = dirs.map((dir) => {
    const path = resolve(cwd, dir);
    let ok = false;
    try {
      ok = statSync(path).isDirectory();
    } catch {}
    if (!ok) throw new UserError(`--add-dir: ${dir} is not a directory`, 2);
    return path;
  });
  return { ...config, writableRoots: [...config.writableRoots, ...added] };
}
