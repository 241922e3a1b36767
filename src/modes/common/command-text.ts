// How a command is shown to the user, by every front end (exec's stderr, the TUI's cells and approval prompts).

/** A command as a user would type it: `bash -lc 'x'` shows the script itself. */
export function commandText(command: string[]): string {
  if (
    command.length === 3 &&
    /^(?:ba|z)?sh$/.test(command[0].split("/").pop() ?? "") &&
    /^-l?c$/.test(command[1])
  ) {
    return command[2];
  }
  return command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
