// npm run fixtures:litellm — records what the pinned LiteLLM proxy really sends, into
// test/fixtures/litellm-<version>/: the gateway simulator plays each provider upstream, the proxy translates,
// and the bytes the proxy answered are kept (streams as .sse, bodies as .json) with captures.json, which
// holds each capture's request, status and headers. The unit tests replay them without Python.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { repoRoot, type Scenario } from "../simulator/scenario.ts";
import { startSimulator } from "../simulator/server.ts";
import { CAPTURES, type Capture } from "./captures.ts";
import { LITELLM_VERSION, startLitellm, upstreamEnv } from "./proxy.ts";

/** Headers kept with a capture: the ones a client reads. Ids and durations vary per run and are left out. */
const KEPT =
  /^(content-type|retry-after|x-ratelimit-.*|x-litellm-(response-cost|model-group|version|attempted-retries)|llm_provider-retry-after)$/;

export const fixturesDir = (version = LITELLM_VERSION) =>
  resolve(repoRoot, `test/fixtures/litellm-${version}`);

async function main(): Promise<void> {
  const out = fixturesDir();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const sim = await startSimulator({ scenario: { responses: [] } });
  const proxy = await startLitellm({ env: upstreamEnv(sim.origin) });
  const index: Record<string, unknown>[] = [];
  try {
    for (const capture of CAPTURES) {
      sim.reset(capture.upstream as Scenario);
      const recorded = await record(proxy.origin, proxy.masterKey, capture);
      const file = `${capture.name}.${recorded.stream ? "sse" : "json"}`;
      writeFileSync(join(out, file), recorded.body);
      index.push({
        name: capture.name,
        file,
        what: capture.what,
        request: capture.request,
        status: recorded.status,
        headers: recorded.headers,
        upstream_requests: sim.requests.filter((r) => r.method === "POST").length,
      });
      console.error(`${capture.name}: ${recorded.status} ${recorded.body.length} bytes`);
    }
  } finally {
    await proxy.stop();
    await sim.close();
  }
  writeFileSync(
    join(out, "captures.json"),
    `${JSON.stringify({ litellm: LITELLM_VERSION, config: "test/litellm/config.yaml", captures: index }, null, 2)}\n`,
  );
}

async function record(origin: string, masterKey: string, c: Capture) {
  let res: Response | undefined;
  for (let i = 0; i < (c.repeat ?? 1); i++) {
    await res?.arrayBuffer();
    res = await fetch(`${origin}${c.path ?? "/v1/chat/completions"}`, {
      method: c.request ? "POST" : "GET",
      headers: { authorization: `Bearer ${c.key ?? masterKey}`, "content-type": "application/json" },
      body: c.request ? JSON.stringify(c.request) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
  }
  if (!res) throw new Error("unreachable");
  let body = "";
  try {
    body = await res.text();
  } catch (err) {
    // A stream the proxy cut: keep what arrived before the cut is not possible with fetch, so say so.
    body = `<stream ended with ${(err as Error).message}>`;
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (KEPT.test(k)) headers[k] = v;
  });
  return {
    status: res.status,
    headers,
    body,
    stream: (res.headers.get("content-type") ?? "").includes("event-stream"),
  };
}

main().catch((err: Error) => {
  console.error(`fixtures:litellm: ${err.stack ?? err.message}`);
  process.exit(1);
});
