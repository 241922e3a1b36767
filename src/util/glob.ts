// Shell-style globs as regular expressions: `*` any run, `?` one character, `[A-Z]` / `[!a-z]` / `[^a-z]`
// classes; an unclosed `[` is literal. Whole-string matches.

export interface GlobOptions {
  /** File-name globs: `*` and `?` never match `/` (one path segment), as bash expands them. */
  segment?: boolean;
  ignoreCase?: boolean;
}

export function globToRegExp(glob: string, options: GlobOptions = {}): RegExp {
  const any = options.segment ? "[^/]" : ".";
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += `${any}*`;
    else if (c === "?") re += any;
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close === -1) {
        re += "\\[";
        continue;
      }
      let body = glob.slice(i + 1, close);
      let negate = false;
      if (body.startsWith("!") || body.startsWith("^")) {
        negate = true;
        body = body.slice(1);
      }
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, options.ignoreCase ? "i" : "");
}
