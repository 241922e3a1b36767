// Images attached to a prompt (`-i FILE`, an image path pasted into the TUI), sent as `data:` URLs.
import { readFileSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { UserError } from "../../util/errors.ts";

const IMAGE_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

/** The largest image sent: gateways and providers refuse bigger ones (OpenAI: 20 MB). */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export function isImagePath(path: string): boolean {
  return extname(path).toLowerCase() in IMAGE_TYPES;
}

/** An image file as a `data:` URL. A missing, unknown or oversized file is a usage error (exit 2). */
export function imageDataUrl(path: string, cwd: string): string {
  const full = resolve(cwd, path);
  const type = IMAGE_TYPES[extname(full).toLowerCase()];
  if (!type) throw new UserError(`--image: ${path} is not a PNG, JPEG, GIF or WebP image`, 2);
  let size: number;
  try {
    size = statSync(full).size;
  } catch {
    throw new UserError(`--image: ${path} does not exist`, 2);
  }
  if (size > MAX_IMAGE_BYTES) throw new UserError(`--image: ${path} is larger than 20 MB`, 2);
  return `data:${type};base64,${readFileSync(full).toString("base64")}`;
}

/**
 * Image files named in a composer text (a path pasted or dropped into the terminal: plain, quoted, with
 * escaped spaces, or a file:// URL), resolved against `cwd`. Only existing files with an image extension count.
 */
export function pastedImagePaths(text: string, cwd: string): string[] {
  const out: string[] = [];
  const words = text.match(/'[^']+'|"[^"]+"|(?:\\ |\S)+/g) ?? [];
  for (const raw of words) {
    const word = raw
      .replace(/^['"]|['"]$/g, "")
      .replace(/\\ /g, " ")
      .replace(/^file:\/\//, "");
    if (!isImagePath(word)) continue;
    try {
      if (statSync(resolve(cwd, word)).isFile()) out.push(word);
    } catch {}
  }
  return out;
}
