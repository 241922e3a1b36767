// A deliberately small reader for the shell scripts models send (`bash -lc "rg foo && git status"`), enough to
// decide whether every command in them is known to be read-only. Anything it does not fully understand
// (redirections, substitutions, variables, subshells, background jobs, here-documents) makes it return null,
// and a null script is never auto-approved: being too strict costs an approval, being too lax costs safety.

export interface ShellWord {
  value: string;
  /** Contains unquoted glob or brace characters, so the shell may expand it into other words (even `-delete`). */
  expands: boolean;
}

/** The simple commands of a script, split on `&&`, `||`, `;`, `|` and newlines; null when unsupported. */
export function parseSimpleScript(script: string): ShellWord[][] | null {
  const commands: ShellWord[][] = [];
  let current: ShellWord[] = [];
  let word: ShellWord | null = null;
  // An operator must separate two commands; a trailing `;` or newline is fine, a trailing `&&` or `|` is not.
  let pendingOperator = false;

  const endWord = () => {
    if (word) current.push(word);
    word = null;
  };
  /** Ends the current command at an operator (or `;`); false on a syntax error such as `&& &&` or `;;`. */
  const endCommand = (operator: boolean): boolean => {
    endWord();
    if (current.length === 0) return !operator && !pendingOperator && commands.length > 0;
    commands.push(current);
    current = [];
    pendingOperator = operator;
    return true;
  };
  const append = (text: string, expands = false) => {
    word ??= { value: "", expands: false };
    word.value += text;
    if (expands) word.expands = true;
  };

  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    const next = script[i + 1];
    if (c === " " || c === "\t") {
      endWord();
    } else if (c === "\n") {
      // A newline ends a command; blank lines and a newline after `&&` or `|` are allowed, as in bash.
      endWord();
      if (current.length > 0 && !endCommand(false)) return null;
    } else if (c === ";") {
      if (!endCommand(false)) return null;
    } else if ((c === "&" && next === "&") || (c === "|" && next === "|")) {
      if (!endCommand(true)) return null;
      i++;
    } else if (c === "|") {
      if (next === "&" || !endCommand(true)) return null;
    } else if (c === "#" && word === null) {
      while (i + 1 < script.length && script[i + 1] !== "\n") i++;
    } else if (c === "'") {
      const close = script.indexOf("'", i + 1);
      if (close === -1) return null;
      append(script.slice(i + 1, close));
      i = close;
    } else if (c === '"') {
      const close = script.indexOf('"', i + 1);
      if (close === -1) return null;
      const body = script.slice(i + 1, close);
      // Expansions and escapes inside double quotes are not worth modelling.
      if (/[$`\\!]/.test(body)) return null;
      append(body);
      i = close;
    } else if (c === "\\") {
      if (next === undefined) return null;
      if (next !== "\n") append(next);
      i++;
    } else if ("$`<>()&{}".includes(c)) {
      // Expansions, substitutions, redirections, subshells, background jobs, brace groups: not simple.
      if (c === "{" || c === "}") append(c, true);
      else return null;
    } else {
      append(c, c === "*" || c === "?" || c === "[" || (c === "~" && word === null));
    }
  }
  endWord();
  if (current.length > 0) commands.push(current);
  else if (pendingOperator) return null;
  return commands;
}
