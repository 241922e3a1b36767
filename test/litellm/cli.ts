// npm run gateway:litellm [-- --config FILE] [--port N] [--scenario NAME|FILE] [--key KEY]
// Starts the pinned LiteLLM proxy on 127.0.0.1 (installing it on first use). With the repository's config
// the gateway simulator is started behind it as every model's upstream provider; with --config FILE the
// proxy calls whatever that file names.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { scenariosDir } from "../simulator/scenario.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import {
  DEFAULT_CONFIG,
  ensureLitellm,
  LITELLM_VERSION,
  type LitellmProxy,
  startLitellm,
  upstreamEnv,
} from "./proxy.ts";

const USAGE = `usage: npm run gateway:litellm -- [--config FILE] [--port N] [--scenario NAME|FILE] [--key KEY]

  --config FILE     LiteLLM proxy config (default: test/litellm/config.yaml, whose models all
                    route to the gateway simulator started beside the proxy)
  --port N          the proxy's port on 127.0.0.1 (default 4000)
  --scenario S      the simulator's script with the default config (default: hello)
  --key KEY         the proxy's master key, which clients send (default: sk-local-litellm)`;

function scenarioPath(arg: string): string {
  for (const candidate of [resolve(arg), resolve(scenariosDir, arg), resolve(scenariosDir, `${arg}.json`)])
    if (existsSync(candidate)) return candidate;
  throw new Error(`scenario not found: ${arg}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: "string" },
      port: { type: "string" },
      scenario: { type: "string" },
      key: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port ?? 4000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid --port: ${values.port}`);
  const config = values.config ? resolve(values.config) : DEFAULT_CONFIG;
  if (!existsSync(config)) throw new Error(`config not found: ${config}`);
  ensureLitellm((line) => console.error(line));

  let sim: Simulator | undefined;
  const env: Record<string, string> = {};
  if (config === DEFAULT_CONFIG) {
    sim = await startSimulator({ scenario: scenarioPath(values.scenario ?? "hello") });
    Object.assign(env, upstreamEnv(sim.origin));
    console.error(`gateway simulator (upstream of every model) on ${sim.origin}`);
  }
  console.error(`starting LiteLLM ${LITELLM_VERSION} on 127.0.0.1:${port} …`);
  const proxy: LitellmProxy = await startLitellm({
    config,
    port,
    masterKey: values.key ?? "sk-local-litellm",
    env,
  });
  console.log(`LiteLLM ${LITELLM_VERSION} is listening. In another terminal:`);
  console.log(`  export LITELLM_BASE_URL=${proxy.origin}`);
  console.log(`  export LITELLM_API_KEY=${proxy.masterKey}`);
  if (sim) console.log("  codex-litellm exec -m openai-sim 'create hello.txt' --skip-git-repo-check");
  console.log("Ctrl-C stops it.");

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.error("stopping …");
    await proxy.stop();
    await sim?.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: Error) => {
  console.error(`gateway:litellm: ${err.message}`);
  process.exit(1);
});
