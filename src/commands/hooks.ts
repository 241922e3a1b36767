// Commands implemented in a module of their own, loaded only when the command is typed. A module exports
// `run(args)`: the words after the command name as typed (options included), returning the exit code.
// Until a module implements its command it answers with one line, like the words in codex-words.ts.

export interface CommandModule {
  run(args: string[]): Promise<number>;
}

export interface Hook {
  name: string;
  summary: string;
  load(): Promise<CommandModule>;
}

/** None at present: login, logout and doctor are commands of their own (main.ts, src/modes/login.ts, doctor.ts). */
export const HOOKS: Hook[] = [];

/** What a command says while codex-litellm does not implement it yet. */
export function notYet(name: string, instead: string): number {
  process.stderr.write(`codex-litellm ${name} is not available in this build: ${instead}.\n`);
  return 2;
}
