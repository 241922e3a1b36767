// `codex-litellm doctor`: placeholder until the command lands (see hooks.ts).
import { notYet } from "./hooks.ts";

export async function run(_args: string[]): Promise<number> {
  return notYet("doctor", "`codex-litellm models` checks that the gateway answers with your key");
}
