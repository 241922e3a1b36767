// Argument parsing (commander) and dispatch to the modes. Modes are loaded lazily.
import { Command, CommanderError, Option } from "commander";
import { mcpCommand } from "./cli-mcp.ts";
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
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function addSharedOptions(cmd: Command): Command {
  return cmd
    .option("-m, --model <MODEL>", "model to use (a model name the gateway knows)")
    .option("-p, --profile <NAME>", "configuration profile from config.toml")
    .option(
      "-c, --config <key=value>",
      "override a config.toml value (TOML value; dotted keys nest; repeatable)",
      collect,
      [],
    )
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
    .option("--strict-config", "an unknown configuration key is an error")
    .option("--ignore-user-config", "do not read $CODEX_HOME/config.toml");
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
    color: flags.color as "always" | "never" | "auto",
  };
}

/** Error messages may quote the gateway or a file: printed without terminal controls. */
function printError(message: string): void {
  process.stderr.write(`Error: ${printable(message)}\n`);
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
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
  program.action(async (prompt: string | undefined, _opts: unknown, cmd: Command) => {
    const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
    const { runTui } = await import("./modes/tui/index.tsx");
    exitCode = await runTui({ ...overrides(flags), cd: flags.cd, prompt });
  });

  const exec = new Command("exec")
    .description("run the agent non-interactively: progress on stderr, the final answer on stdout")
    .argument("[PROMPT]", "the task; read from stdin when absent or `-`")
    // `exec help` would shadow the prompt "help"; `exec --help` remains.
    .helpCommand(false)
    .exitOverride()
    .action(async (prompt: string | undefined, _opts: unknown, cmd: Command) => {
      const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
      const { runExec } = await import("./modes/exec/run.ts");
      exitCode = await runExec(execOptions(flags, prompt));
    });
  addExecOptions(exec);
  addSharedOptions(exec);

  const resume = new Command("resume")
    .description("continue a stored session non-interactively (the same session file grows)")
    .argument("[SESSION_ID]", "the session's id, or a unique prefix of it")
    .argument("[PROMPT]", "the next message; read from stdin when absent or `-`")
    .option("--last", "resume the most recently used session started in this directory")
    .option("--all", "with --last, consider sessions started in any directory")
    .exitOverride()
    .action(async (id: string | undefined, prompt: string | undefined, _opts: unknown, cmd: Command) => {
      const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
      let sessionId = id;
      // With --last the first operand is the prompt (`exec resume --last "go on"`), as in Codex.
      if (flags.last && sessionId !== undefined) {
        if (prompt !== undefined)
          throw new UserError("exec resume: give either --last or a SESSION_ID, not both", 2);
        prompt = sessionId;
        sessionId = undefined;
      }
      if (!flags.last && sessionId === undefined)
        throw new UserError("exec resume: give a SESSION_ID or --last", 2);
      const { runExec } = await import("./modes/exec/run.ts");
      exitCode = await runExec({
        ...execOptions(flags, prompt),
        resume: { last: flags.last as boolean | undefined, all: flags.all as boolean | undefined, sessionId },
      });
    });
  addExecOptions(resume);
  addSharedOptions(resume);
  exec.addCommand(resume);
  program.addCommand(exec);

  const resumeTui = new Command("resume")
    .description("continue a stored session in the interactive TUI")
    .argument("[SESSION_ID]", "the session's id, or a unique prefix of it")
    .option("--last", "resume the most recently used session started in this directory")
    .option("--all", "with --last, consider sessions started in any directory")
    .exitOverride()
    .action(async (id: string | undefined, _opts: unknown, cmd: Command) => {
      const flags = mergedOptions(cmd) as SharedFlags & Record<string, unknown>;
      if (flags.last && id !== undefined)
        throw new UserError("resume: give either --last or a SESSION_ID, not both", 2);
      if (!flags.last && id === undefined) throw new UserError("resume: give a SESSION_ID or --last", 2);
      const { runTui } = await import("./modes/tui/index.tsx");
      exitCode = await runTui({
        ...overrides(flags),
        cd: flags.cd,
        resume: {
          last: flags.last as boolean | undefined,
          all: flags.all as boolean | undefined,
          sessionId: id,
        },
      });
    });
  addSharedOptions(resumeTui);
  program.addCommand(resumeTui);

  const models = new Command("models")
    .description("list the gateway's models with their context windows (* marks the configured model)")
    .option("--json", "print JSON")
    .option("--refresh", "ignore the five-minute cache")
    .exitOverride()
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals() as SharedFlags & { json?: boolean; refresh?: boolean };
      const { runModels } = await import("./modes/models.ts");
      exitCode = await runModels({ ...overrides(flags), json: flags.json, refresh: flags.refresh });
    });
  addSharedOptions(models);
  program.addCommand(models);

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
  const traceAction = (command: "list" | "events" | "summary") => async (_opts: unknown, cmd: Command) => {
    const flags = mergedOptions(cmd) as Record<string, string | boolean | undefined>;
    const { runTrace } = await import("./trace/index.ts");
    exitCode = runTrace({
      command,
      home: flags.home as string | undefined,
      json: flags.json as boolean | undefined,
      limit: flags.limit as string | undefined,
      session: flags.session as string | undefined,
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

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
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
