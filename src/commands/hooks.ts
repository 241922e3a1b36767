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

export const HOOKS: Hook[] = [
  { name: "login", summary: "set up the gateway's URL and key", load: () => import("./login.ts") },
  { name: "logout", summary: "forget the stored gateway key", load: () => import("./logout.ts") },
  { name: "doctor", summary: "check the setup and explain what is wrong", load: () => import("./doctor.ts") },
];

/** What a command says while codex-litellm does not implement it yet. */
export function notYet(name: string, instead: string): number {
  process.stderr.write(`codex-litellm ${name} is not available in this build: ${instead}.\n`);
  return 2;
}
