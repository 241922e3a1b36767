// `codex-litellm login`: placeholder until the gateway setup command lands (see hooks.ts).
import { notYet } from "./hooks.ts";

export async function run(_args: string[]): Promise<number> {
  return notYet(
    "login",
    "set LITELLM_BASE_URL and LITELLM_API_KEY in $CODEX_HOME/.env, or start `codex-litellm` in a terminal for the first-run setup",
  );
}
