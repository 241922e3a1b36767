// Which sandbox this machine offers. Probed once per process (a bwrap probe costs a few milliseconds) and
// cached, so every command and every policy sees the same answer.

import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { processEnv } from "../../config/env.ts";
import { probeBwrap, probeBwrapAsync } from "./bwrap.ts";
import type { SandboxAvailability } from "./types.ts";

export interface DetectOptions {
  /** Default process.platform. */
  platform?: string;
  /** PATH used to find bwrap (our own, never the command's filtered environment). Default the process environment's PATH. */
  path?: string;
}

const cache = new Map<string, SandboxAvailability>();

export function detectSandbox(options: DetectOptions = {}): SandboxAvailability {
  const platform = options.platform ?? process.platform;
  const path = options.path ?? processEnv().PATH ?? "";
  const key = `${platform}\0${path}`;
  let found = cache.get(key);
  if (!found) {
    found = detectUncached(platform, path);
    cache.set(key, found);
  }
  return found;
}

/**
 * Fills detectSandbox's cache without blocking the event loop: on Linux the bwrap probe runs as an asynchronous
 * child process (same runs, same verdict). exec starts it early and awaits it before building its policy, so
 * stdin and module loading proceed meanwhile. Never rejects; a failure leaves the cache to detectSandbox.
 */
export async function prefetchSandbox(options: DetectOptions = {}): Promise<void> {
  const platform = options.platform ?? process.platform;
  const path = options.path ?? processEnv().PATH ?? "";
  const key = `${platform}\0${path}`;
  if (cache.has(key)) return;
  try {
    const bwrap = platform === "linux" ? findExecutable("bwrap", path) : undefined;
    const found = bwrap ? await probeBwrapAsync({ path: bwrap }) : detectUncached(platform, path);
    if (!cache.has(key)) cache.set(key, found);
  } catch {
    // detectSandbox probes again, synchronously.
  }
}

function detectUncached(platform: string, path: string): SandboxAvailability {
  switch (platform) {
    case "linux": {
      const bwrap = findExecutable("bwrap", path);
      if (!bwrap) {
        return {
          available: false,
          reason: "bubblewrap (bwrap) is not installed",
          hint: "install it, e.g. `apt-get install bubblewrap` or `dnf install bubblewrap`",
        };
      }
      return probeBwrap({ path: bwrap });
    }
    case "android":
      return { available: false, reason: "Android/Termux offers no sandbox for commands" };
    case "darwin":
      // The place for a Seatbelt (`/usr/bin/sandbox-exec`) backend implementing SandboxBackend.
      return { available: false, reason: "the macOS sandbox (sandbox-exec) is not supported yet" };
    default:
      return { available: false, reason: `no sandbox is supported on ${platform}` };
  }
}

/** Absolute path of `name` in the `PATH`-style list `path`, or undefined. */
export function findExecutable(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir.startsWith("/")) continue; // a relative PATH entry would depend on the cwd
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
