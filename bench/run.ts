// Ratio benchmarks: each measurement is paired with its baseline in the same run, on the same machine,
// and reported as median(subject) / median(baseline). Usage: npm run bench [-- --runs N]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../test/simulator/index.ts";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 11;

interface Timing {
  wall: number;
  user: number;
  sys: number;
}

/**
 * Runs a command under bash's `time` keyword, which reports the child's wall and CPU seconds. Asynchronous on
 * purpose: the simulator serving the stream lives in this process's event loop.
 */
function timed(command: string, env: Record<string, string> = {}): Promise<Timing> {
  const script = `TIMEFORMAT='%R %U %S'; time { ${command} >/dev/null 2>/dev/null || echo FAILED >&2; }`;
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { env: { ...process.env, ...env } });
    let out = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("close", () => {
      const [wall, user, sys] = (out.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
      if (out.includes("FAILED") || !Number.isFinite(wall))
        reject(new Error(`benchmark command failed: ${command}\n${out}`));
      else resolve({ wall, user, sys });
    });
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

interface Row {
  name: string;
  subject: number;
  baseline: number;
  baselineName: string;
  budget: number;
  note?: string;
}

async function paired(subject: () => Promise<Timing>, baseline: () => Promise<Timing>, runs = RUNS) {
  const a: Timing[] = [];
  const b: Timing[] = [];
  await subject();
  await baseline();
  for (let i = 0; i < runs; i++) {
    // Alternate the order so drift (thermal, caches) hits both sides alike.
    if (i % 2) {
      a.push(await subject());
      b.push(await baseline());
    } else {
      b.push(await baseline());
      a.push(await subject());
    }
  }
  return {
    subject: median(a.map((t) => t.wall)),
    baseline: median(b.map((t) => t.wall)),
    subjectCpu: median(a.map((t) => t.user + t.sys)),
    baselineCpu: median(b.map((t) => t.user + t.sys)),
  };
}

const rows: Row[] = [];
const node = process.execPath;

const version = await paired(
  () => timed(`${node} ${CLI} --version`),
  () => timed(`${node} -e 0`),
);
rows.push({
  name: "codex-litellm --version",
  subject: version.subject,
  baseline: version.baseline,
  baselineName: "node -e 0",
  budget: 1.5,
});
const help = await paired(
  () => timed(`${node} ${CLI} --help`),
  () => timed(`${node} -e 0`),
);
rows.push({
  name: "codex-litellm --help",
  subject: help.subject,
  baseline: help.baseline,
  baselineName: "node -e 0",
  budget: 1.5,
});

// A 540 KB answer in ~77k small chunks, as a fast model behind LiteLLM streams it.
const STREAM_RUNS = Math.max(3, Math.min(RUNS, 7));
const answer = "The quick brown fox jumps over the lazy dog. ".repeat(12_000);
const scenario = {
  responses: Array.from({ length: (STREAM_RUNS + 1) * 2 }, () => ({
    text: answer,
    chunk_size: 7,
    usage: { prompt_tokens: 100, completion_tokens: 120_000 },
  })),
};
const sim = await startSimulator({ scenario, apiKey: "sk-bench" });
const base = mkdtempSync(join(tmpdir(), "codex-litellm-bench-"));
const home = join(base, "home");
mkdirSync(home);
try {
  const env = { CODEX_HOME: home, LITELLM_BASE_URL: sim.origin, LITELLM_API_KEY: "sk-bench" };
  const body = JSON.stringify({
    model: "m",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: "go" }],
  });
  const curl = `curl -sN -X POST -H 'content-type: application/json' -H 'authorization: Bearer sk-bench' --data '${body}' ${sim.baseUrl}/chat/completions`;
  const exec = `${node} ${CLI} exec --skip-git-repo-check -C ${base} -m m go`;
  const stream = await paired(
    () => timed(exec, env),
    () => timed(curl),
    STREAM_RUNS,
  );
  rows.push({
    name: `exec streaming ${Math.round(answer.length / 1024)} KB in ~${Math.ceil(answer.length / 7 / 1000)}k chunks`,
    subject: stream.subject,
    baseline: stream.baseline,
    baselineName: "curl -N (same stream)",
    budget: 1.5,
    note: `exec CPU ${stream.subjectCpu.toFixed(2)} s, curl CPU ${stream.baselineCpu.toFixed(2)} s`,
  });
} finally {
  await sim.close();
  rmSync(base, { recursive: true, force: true });
}

console.log(
  `codex-litellm benchmarks (${RUNS} paired runs, medians; node ${process.version}, ${new Date().toISOString()})`,
);
for (const r of rows) {
  const ratio = r.subject / r.baseline;
  const verdict = ratio <= r.budget ? "ok" : "OVER BUDGET";
  console.log(
    `${r.name.padEnd(42)} ${(r.subject * 1000).toFixed(0).padStart(6)} ms vs ${r.baselineName} ${(r.baseline * 1000).toFixed(0).padStart(5)} ms  ratio ${ratio.toFixed(2)} (budget ≤ ${r.budget})  ${verdict}${r.note ? `  [${r.note}]` : ""}`,
  );
}
