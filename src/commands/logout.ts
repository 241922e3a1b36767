// `codex-litellm logout`: placeholder until the command lands (see hooks.ts).
import { notYet } from "./hooks.ts";

export async function run(_args: string[]): Promise<number> {
  return notYet("logout", "remove LITELLM_API_KEY from $CODEX_HOME/.env");
}
