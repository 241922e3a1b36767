// `codex-litellm completion bash|zsh|fish`: a completion script built from the command tree itself, so it
// always offers the commands and options this build has. zsh reuses the bash script through bashcompinit.
import type { Command } from "commander";

const BIN = "codex-litellm";

interface Node {
  /** Space-separated path of command names below the program ("" for the program, "exec resume"). */
  path: string;
  subcommands: string[];
  options: string[];
}

function walk(cmd: Command, path: string, out: Node[]): Node[] {
  const subs = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const options = cmd.options
    .filter((o) => !o.hidden)
    .flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
  out.push({
    path,
    subcommands: subs.flatMap((c) => [c.name(), ...c.aliases()]),
    options: [...options, "--help"],
  });
  for (const c of subs) {
    const sub = path ? `${path} ${c.name()}` : c.name();
    walk(c, sub, out);
    for (const alias of c.aliases())
      out.push({ ...out.find((n) => n.path === sub)!, path: path ? `${path} ${alias}` : alias });
  }
  return out;
}

function bash(nodes: Node[]): string {
  const cases = (pick: (n: Node) => string[]) =>
    nodes.map((n) => `    "${n.path}") echo "${pick(n).join(" ")}" ;;`).join("\n");
  return `# bash completion for ${BIN}; load with: source <(${BIN} completion bash)
_codex_litellm_subcommands() {
  case "$1" in
${cases((n) => n.subcommands)}
  esac
}
_codex_litellm_options() {
  case "$1" in
${cases((n) => n.options)}
  esac
}
_codex_litellm() {
  local cur path i word
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [ "$word" = "--" ] && return 0
    case " $(_codex_litellm_subcommands "$path") " in
      *" $word "*) path="\${path:+$path }$word" ;;
    esac
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_codex_litellm_options "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_codex_litellm_subcommands "$path")" -- "$cur"))
  fi
}
complete -o default -F _codex_litellm ${BIN}
`;
}

function zsh(nodes: Node[]): string {
  return `#compdef ${BIN}
# zsh completion for ${BIN}; load with: source <(${BIN} completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(nodes)}`;
}

function fish(nodes: Node[]): string {
  const lines = [`# fish completion for ${BIN}; load with: ${BIN} completion fish | source`];
  for (const n of nodes) {
    const words = n.path ? n.path.split(" ") : [];
    // A node's words are offered once its last command word was seen (top level: before any command).
    const cond = words.length ? `__fish_seen_subcommand_from ${words.at(-1)}` : `__fish_use_subcommand`;
    if (n.subcommands.length)
      lines.push(`complete -c ${BIN} -f -n '${cond}' -a '${n.subcommands.join(" ")}'`);
    for (const flag of n.options) {
      const spec = flag.startsWith("--") ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      lines.push(`complete -c ${BIN} -n '${cond}' ${spec}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function completionScript(shell: "bash" | "zsh" | "fish", program: Command): string {
  const nodes = walk(program, "", []);
  return shell === "bash" ? bash(nodes) : shell === "zsh" ? zsh(nodes) : fish(nodes);
}
