// `codex-litellm mcp`: placeholder until the command lands (see hooks.ts).
import { notYet } from "./hooks.ts";

export async function run(_args: string[]): Promise<number> {
  return notYet("mcp", "edit the [mcp_servers.NAME] tables of $CODEX_HOME/config.toml");
}
