// Argument parsing (commander) and dispatch to the modes. Modes are loaded lazily.
import { Argument, Command, CommanderError, Option } from "commander";
import { mcpCommand } from "./cli-mcp.ts";
import { NOT_OFFERED, notOfferedLine } from "./commands/codex-words.ts";
import { ConfigError } from "./config/types.ts";
import { UserError } from "./util/errors.ts";
import { printable } from "./util/terminal-text.ts";
import { VERSION } from "./util/version.ts";

interface SharedFlags {
  model?: string;
  profile?: string;
  config: string[];
  cd?: string;
  sandbox?: "read-only" | "workspace-write" | "danger-full-access";
  askForApproval?: "untrusted" | "on-request" | "on-failure" | "never";
  fullAuto?: boolean;
  dangerouslyBypassApprovalsAndSandbox?: boolean;
  telemetry?: boolean;
  strictConfig?: boolean;
  ignoreUserConfig?: boolean;
  image?: string[];
  addDir?: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** What every command that reads the configuration takes. */
function addConfigOptions(cmd: Command): Command {
  return cmd
    .option("-m, --model <MODEL>", "model to use (a model name the gateway knows)")
    .option("-p, --profile <NAME>", "configuration profile from config.toml")
    .option(
      "-c, --config <key=value>",
      "override a config.toml value (TOML value; dotted keys nest; repeatable)",
      collect,
      [],
    )
    .option("--strict-config", "an unknown configuration key is an error")
    .option("--ignore-user-config", "do not read $CODEX_HOME/config.toml");
}

/** Options of a command that runs the agent (TUI, exec, resume, fork). */
function addSharedOptions(cmd: Command): Command {
  return addConfigOptions(cmd)
    .option("-C, --cd <DIR>", "working directory for the agent")
    .addOption(
      new Option("-s, --sandbox <MODE>", "sandbox policy for commands and patches").choices([
        "read-only",
        "workspace-write",
        "danger-full-access",
      ]),
    )
    .addOption(
      new Option("-a, --ask-for-approval <POLICY>", "when to ask before running commands").choices([
        "untrusted",
        "on-request",
        "on-failure",
        "never",
      ]),
    )
    .option("--full-auto", "workspace-write sandbox and no approval prompts")
    .option("--dangerously-bypass-approvals-and-sandbox", "no sandbox, no approvals (alias --yolo)")
    .addOption(new Option("--yolo").hideHelp())
    .option("--telemetry", "record telemetry logs under $CODEX_HOME/logs")
    .option("--no-telemetry", "disable telemetry logs")
    .option(
      "-i, --image <FILE>",
      "attach an image to the first prompt (repeatable; or comma-separated)",
      collect,
      [],
    )
    .option("--add-dir <DIR>", "another directory the agent may write to (repeatable)", collect, []);
}

function overrides(flags: SharedFlags & { yolo?: boolean }) {
  return {
    model: flags.model,
    profile: flags.profile,
    configOverrides: flags.config ?? [],
    sandboxMode: flags.sandbox,
    approvalPolicy: flags.askForApproval,
    fullAuto: flags.fullAuto,
    yolo: flags.dangerouslyBypassApprovalsAndSandbox || flags.yolo,
    telemetry: flags.telemetry,
    strictConfig: flags.strictConfig,
    ignoreUserConfig: flags.ignoreUserConfig,
  };
}

/** `-i a.png,b.png -i c.png` → the three paths. */
function images(flags: SharedFlags): string[] {
  return (flags.image ?? []).flatMap((v) => v.split(",")).filter((v) => v.trim() !== "");
}

/**
 * Options of a command and its ancestors, merged. Commander stores an option on the outermost command that
 * declares it, wherever it stands in argv; a value given explicitly anywhere beats a default, and `-c`
 * values from every level are kept in order.
 */
function mergedOptions(cmd: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const out: Record<string, unknown> = {};
  for (const c of chain) {
    for (const [key, value] of Object.entries(c.opts())) {
      if (key === "config") {
        out.config = [...((out.config as string[] | undefined) ?? []), ...((value as string[]) ?? [])];
      } else if (out[key] === undefined || c.getOptionValueSource(key) !== "default") {
        out[key] = value;
      }
    }
  }
  return out;
}

function addExecOptions(cmd: Command): Command {
  return cmd
    .option("--skip-git-repo-check", "allow running outside a git repository")
    .option("--json", "print Codex's JSONL events on stdout instead of human output")
    .option("-o, --output-last-message <FILE>", "write the final agent message to FILE")
    .option("--output-schema <FILE>", "JSON Schema the final answer must match")
    .option("--ephemeral", "do not write a session file")
    .addOption(
      new Option("--color <WHEN>", "colour on stderr").choices(["always", "never", "auto"]).default("auto"),
    );
}

function execOptions(flags: SharedFlags & Record<string, unknown>, prompt: string | undefined) {
  return {
    ...overrides(flags),
    prompt,
    cd: flags.cd,
    json: flags.json as boolean | undefined,
    skipGitRepoCheck: flags.skipGitRepoCheck as boolean | undefined,
    outputLastMessage: flags.outputLastMessage as string | undefined,
    ephemeral: flags.ephemeral as boolean | undefined,
    color: (flags.color ?? "auto") as "always" | "never" | "auto",
    outputSchema: flags.outputSchema as string | undefined,
    images: images(flags),
    addDirs: flags.addDir ?? [],
  };
}

function tuiOptions(flags: SharedFlags & Record<string, unknown>) {
  return { ...overrides(flags), cd: flags.cd, images: images(flags), addDirs: flags.addDir ?? [] };
}

/** Error messages may quote the gateway or a file: printed without terminal controls. */
function printError(message: string): void {
  process.stderr.write(`Error: ${printable(message)}\n`);
}

/** Options of `review` and `exec review`: the review runs read-only, so no sandbox or approval options. */
function addReviewCommand(cmd: Command, run: (code: Promise<number>) => void): Command {
  cmd
    .description(
      "review uncommitted changes, a base branch or a commit (read-only; findings with file and line)",
    )
    .argument("[PROMPT]", "custom review instructions; `-` reads them from stdin")
    .option("--uncommitted", "review staged, unstaged and untracked changes (the default)")
    .option("--base <BRANCH>", "review the changes against BRANCH")
    .option("--commit <SHA>", "review the changes a commit introduced")
    .option("--title <TITLE>", "the commit's title, shown in the review")
    .option("-C, --cd <DIR>", "working directory for the review")
    .option("--telemetry", "record telemetry logs under $CODEX_HOME/logs")
    .option("--no-telemetry", "disable telemetry logs")
    .exitOverride()
    .action(async (prompt: string | undefined, _opts: unknown, c: Command) => {
      const flags = mergedOptions(c) as SharedFlags & Record<string, unknown>;
      const { runExec } = await import("./modes/exec/run.ts");
      run(
        runExec({
          ...execOptions(flags, undefined),
          review: {
            uncommitted: flags.uncommitted as boolean | undefined,
            base: flags.base as string | undefined,
            commit: flags.commit as string | undefined,
            title: flags.title as string | undefined,
            prompt,
          },
        }),
      );
    });
  return addExecOptions(addConfigOptions(cmd));
}

/** `resume` and `fork` take `[SESSION_ID] [PROMPT]`; with --last the only operand is the prompt. */
function sessionOperands(
  name: string,
  flags: Record<string, unknown>,
  id: string | undefined,
  prompt: string | undefined,
) {
  if (flags.last && id !== undefined) {
    if (prompt !== undefined) throw new UserError(`${name}: give either --last or a SESSION_ID, not both`, 2);
    return { sessionId: undefined, prompt: id };
  }
  return { sessionId: id, prompt };
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  let pending: Promise<number> | undefined;
  const run = (code: Promise<number>) => {
    pending = code;
  };
  const program = new Command("codex-litellm")
    .description(
      "A coding agent for your terminal that talks to LiteLLM gateways and OpenAI-compatible Chat Completions endpoints.\n\n" +
        "Configure the gateway with LITELLM_BASE_URL and LITELLM_API_KEY (or $CODEX_HOME/.env, or config.toml).",
    )
    .version(`codex-litellm ${VERSION}`, "-V, --version", "print the version")
    .argument("[PROMPT]", "optional first prompt for the interactive session")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  addSharedOptions(program);
  // With an action on the program commander adds no `help` command by itself; "help" must never be a prompt.
  program.helpCommand("help [COMMAND]", "show help for codex-litellm or one of its commands");
  program.action(async (prompt: string | undefined, _opts: unknown, cmd: Command) => {
    const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
    const { runTui } = await import("./modes/tui/index.tsx");
    exitCode = await runTui({ ...tuiOptions(flags), prompt });
  });

  const exec = new Command("exec")
    .alias("e")
    .description("run the agent non-interactively: progress on stderr, the final answer on stdout")
    .argument(
      "[PROMPT]",
      "the task; read from stdin when absent or `-` (piped stdin is appended to a prompt)",
    )
    .helpCommand("help [COMMAND]", "show help for exec or one of its commands")
    .exitOverride()
    .action(async (prompt: string | undefined, _opts: unknown, cmd: Command) => {
      const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
      const { runExec } = await import("./modes/exec/run.ts");
      exitCode = await runExec(execOptions(flags, prompt));
    });
  addExecOptions(exec);
  addSharedOptions(exec);

  for (const mode of ["resume", "fork"] as const) {
    const sub = new Command(mode)
      .description(
        mode === "resume"
          ? "continue a stored session non-interactively (the same session file grows)"
          : "start a new session from a stored one (new id, its history copied) and run PROMPT",
      )
      .argument("[SESSION_ID]", "the session's id, or a unique prefix of it")
      .argument("[PROMPT]", "the next message; read from stdin when absent or `-`")
      .option("--last", "the most recently used session started in this directory")
      .option("--all", "with --last, consider sessions started in any directory")
      .exitOverride()
      .action(async (id: string | undefined, p: string | undefined, _opts: unknown, cmd: Command) => {
        const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
        const { sessionId, prompt } = sessionOperands(`exec ${mode}`, flags, id, p);
        if (!flags.last && sessionId === undefined)
          throw new UserError(`exec ${mode}: give a SESSION_ID or --last`, 2);
        const target = {
          last: flags.last as boolean | undefined,
          all: flags.all as boolean | undefined,
          sessionId,
        };
        const { runExec } = await import("./modes/exec/run.ts");
        exitCode = await runExec({ ...execOptions(flags, prompt), resume: target, fork: mode === "fork" });
      });
    addExecOptions(sub);
    addSharedOptions(sub);
    exec.addCommand(sub);
  }
  exec.addCommand(addReviewCommand(new Command("review"), run));
  program.addCommand(exec);

  for (const mode of ["resume", "fork"] as const) {
    const tui = new Command(mode)
      .description(
        mode === "resume"
          ? "continue a stored session in the interactive TUI (a picker without SESSION_ID or --last)"
          : "start a new session from a stored one in the TUI (a picker without SESSION_ID or --last)",
      )
      .argument("[SESSION_ID]", "the session's id, or a unique prefix of it")
      .argument("[PROMPT]", "a first message to send once the session is open")
      .option("--last", "the most recently used session started in this directory")
      .option("--all", "consider sessions started in any directory")
      .exitOverride()
      .action(async (id: string | undefined, p: string | undefined, _opts: unknown, cmd: Command) => {
        const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
        const { sessionId, prompt } = sessionOperands(mode, flags, id, p);
        const { runTui } = await import("./modes/tui/index.tsx");
        exitCode = await runTui({
          ...tuiOptions(flags),
          prompt,
          fork: mode === "fork",
          resume: {
            last: flags.last as boolean | undefined,
            all: flags.all as boolean | undefined,
            sessionId,
            pick: !flags.last && sessionId === undefined,
            includeNonInteractive: flags.includeNonInteractive as boolean | undefined,
          },
        });
      });
    if (mode === "resume")
      tui.option("--include-non-interactive", "the picker also lists sessions started by `exec`");
    addSharedOptions(tui);
    program.addCommand(tui);
  }

  program.addCommand(addReviewCommand(new Command("review"), run));

  program.addCommand(
    new Command("completion")
      .description("print a shell completion script (bash, zsh or fish)")
      .addArgument(new Argument("[SHELL]", "the shell").choices(["bash", "zsh", "fish"]).default("bash"))
      .exitOverride()
      .action(async (shell: "bash" | "zsh" | "fish") => {
        const { completionScript } = await import("./subcommands.ts");
        process.stdout.write(completionScript(shell, program));
      }),
  );

  const sandbox = new Command("sandbox")
    .description(
      "run a command under codex-litellm's sandbox, to try a policy: sandbox [OPTIONS] -- COMMAND...",
    )
    .argument("<COMMAND...>", "the command and its arguments (after `--`)")
    .addOption(
      new Option("-s, --sandbox <MODE>", "sandbox policy (default: workspace-write)").choices([
        "read-only",
        "workspace-write",
        "danger-full-access",
      ]),
    )
    .option("--full-auto", "workspace-write, as the agent gets it with --full-auto")
    .option("-C, --cd <DIR>", "working directory (the workspace)")
    .option("--add-dir <DIR>", "another writable directory (repeatable)", collect, [])
    // `sandbox ls -la` works too; `--` is still the way to pass options that are also ours (-C, -s).
    .allowUnknownOption()
    .exitOverride()
    .action(async (command: string[], _opts: unknown, cmd: Command) => {
      const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
      const { runSandbox } = await import("./subcommands.ts");
      exitCode = await runSandbox({
        ...overrides({ ...flags, config: flags.config ?? [] }),
        cd: flags.cd,
        addDirs: flags.addDir ?? [],
        command,
      });
    });
  addConfigOptions(sandbox);
  program.addCommand(sandbox);

  const models = new Command("models")
    .description("list the gateway's models with their context windows (* marks the configured model)")
    .option("--json", "print JSON")
    .option("--refresh", "ignore the five-minute cache")
    .exitOverride()
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
      const { runModels } = await import("./subcommands.ts");
      exitCode = await runModels({
        ...overrides(flags),
        json: flags.json as boolean | undefined,
        refresh: flags.refresh as boolean | undefined,
      });
    });
  addConfigOptions(models);
  program.addCommand(models);

  // Gateway setup: login checks and saves the URL and key (the key from stdin in scripts, never from argv).
  program.addCommand(
    new Command("login")
      .description("set up the gateway: base URL, API key (checked with a call to /models), default model")
      .option("--base-url <URL>", "the gateway's address, e.g. http://localhost:4000 (normalised to /v1)")
      .option(
        "--with-api-key",
        "read the API key from stdin (in scripts; never put a key on the command line)",
      )
      .addOption(new Option("--api-key-stdin").hideHelp())
      .option("--model <MODEL>", "default model to save (one the gateway lists)")
      .exitOverride()
      .action(async (_opts: unknown, cmd: Command) => {
        // `--model` is also the program's `-m`, which commander keeps on the program.
        const flags = cmd.optsWithGlobals() as Record<string, string | boolean | undefined>;
        const { runLogin } = await import("./subcommands.ts");
        exitCode = await runLogin({
          baseUrl: flags.baseUrl as string | undefined,
          withApiKey: !!(flags.withApiKey || flags.apiKeyStdin),
          model: flags.model as string | undefined,
        });
      }),
  );
  program.addCommand(
    new Command("logout")
      .description("remove the stored API key from $CODEX_HOME/.env")
      .exitOverride()
      .action(async () => {
        const { runLogout } = await import("./subcommands.ts");
        exitCode = runLogout();
      }),
  );
  const doctor = new Command("doctor")
    .description(
      "check the setup and explain it: config layers, gateway, key, model, sandbox, Node, telemetry",
    )
    .exitOverride()
    .action(async (_opts: unknown, cmd: Command) => {
      const { runDoctor } = await import("./subcommands.ts");
      exitCode = await runDoctor(overrides(mergedOptions(cmd) as SharedFlags & Record<string, unknown>));
    });
  addSharedOptions(doctor);
  program.addCommand(doctor);

  // `trace` reads stored sessions only: no shared agent options, no config or gateway.
  const trace = new Command("trace")
    .description("inspect stored sessions: list them, print their records, or summarise one")
    .option("--home <DIR>", "read sessions from DIR (default $CODEX_TRACE_HOME, else $CODEX_HOME)")
    .option("--json", "print JSON instead of text")
    .exitOverride()
    .action(() => {
      trace.outputHelp({ error: true });
      exitCode = 2;
    });
  trace.helpCommand("help [COMMAND]", "show help for trace or one of its commands");
  // events and summary take the session as an operand, as resume does; `--session` still works.
  const traceAction =
    (command: "list" | "events" | "summary") =>
    async (...args: unknown[]) => {
      const cmd = args.at(-1) as Command;
      const operand = command === "list" ? undefined : (args[0] as string | undefined);
      const flags = mergedOptions(cmd) as Record<string, string | boolean | undefined>;
      if (operand !== undefined && flags.session !== undefined && operand !== flags.session)
        throw new UserError(`trace ${command}: give the session once (an operand or --session)`, 2);
      const { runTrace } = await import("./subcommands.ts");
      exitCode = runTrace({
        command,
        home: flags.home as string | undefined,
        json: flags.json as boolean | undefined,
        limit: flags.limit as string | undefined,
        session: operand ?? (flags.session as string | undefined),
        types: flags.types as string | undefined,
        contains: flags.contains as string | undefined,
        width: flags.width as string | undefined,
      });
    };
  trace.addCommand(
    new Command("list")
      .description("list sessions, most recently written first")
      .option("--limit <N>", "how many sessions to list (default 20)")
      .exitOverride()
      .action(traceAction("list")),
  );
  trace.addCommand(
    new Command("events")
      .description("print a session's records: timestamp, type, preview")
      .argument("[SESSION]", "session id (or a unique prefix of it), or a rollout file")
      .option("--session <ID|PATH>", "session id (or a unique prefix of it), or a rollout file")
      .option("--types <a,b>", "only these record or payload types (e.g. event_msg, token_count)")
      .option("--contains <TEXT>", "only records containing TEXT (case-insensitive)")
      .option("--width <N>", "preview width in characters (default 96)")
      .exitOverride()
      .action(traceAction("events")),
  );
  trace.addCommand(
    new Command("summary")
      .description("turns, tool calls, tokens, duration and model of one session")
      .argument("[SESSION]", "session id (or a unique prefix of it), or a rollout file")
      .option("--session <ID|PATH>", "session id (or a unique prefix of it), or a rollout file")
      .exitOverride()
      .action(traceAction("summary")),
  );
  program.addCommand(trace);

  program.addCommand(
    mcpCommand(
      (cmd) => {
        const flags = mergedOptions(cmd);
        return {
          profile: flags.profile as string | undefined,
          configOverrides: (flags.config as string[]) ?? [],
        };
      },
      (code) => {
        exitCode = code;
      },
    ),
  );
  for (const word of NOT_OFFERED) {
    program.addCommand(
      new Command(word.name)
        .aliases(word.aliases ?? [])
        .description(`not offered by codex-litellm (Codex: ${word.summary})`)
        .allowUnknownOption()
        .allowExcessArguments()
        .exitOverride()
        .action(() => {
          process.stderr.write(`${notOfferedLine(word)}\n`);
          exitCode = 2;
        }),
      // Listed in the README's compatibility table, not in --help: they only say what to use instead.
      { hidden: true },
    );
  }

  try {
    await program.parseAsync(argv, { from: "user" });
    return pending ? await pending : exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return 0;
      return 2;
    }
    if (error instanceof UserError) {
      printError(error.message);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      printError(error.message);
      return 1;
    }
    printError(`unexpected failure: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}
