// npm run gateway:sim -- <scenario.json|scenario name> [--port N] [--api-key K]
// A bare name (e.g. `hello`) is looked up in test/simulator/scenarios/ when no such file exists.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { scenariosDir } from "./scenario.ts";
import { startSimulator } from "./server.ts";

const USAGE = "usage: npm run gateway:sim -- <scenario.json> [--port N] [--api-key K]";

function scenarioPath(arg: string): string {
  if (existsSync(arg)) return resolve(arg);
  for (const candidate of [resolve(scenariosDir, arg), resolve(scenariosDir, `${arg}.json`)])
    if (existsSync(candidate)) return candidate;
  throw new Error(`scenario not found: ${arg}`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: "string" },
      "api-key": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port: ${values.port}`);
  const sim = await startSimulator({
    scenario: scenarioPath(positionals[0]),
    port,
    apiKey: values["api-key"],
    log: (line) => console.error(`[${new Date().toISOString()}] ${line}`),
  });
  console.log(`gateway simulator listening on ${sim.baseUrl}`);
  console.log(`LITELLM_BASE_URL=${sim.baseUrl}`);
  const stop = () => {
    sim.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: Error) => {
  console.error(`gateway simulator: ${err.message}`);
  process.exit(1);
});
