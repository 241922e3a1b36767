// First contact through the built CLI: a gateway that is not there, not OpenAI-compatible, not trusted, or not
// configured is reported at once, in one line naming the URL called and what to fix, and nothing is written.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { e2e, TEST_KEY } from "../helpers/e2e.ts";
import { freePort } from "../helpers/net.ts";
import { createWorkspace } from "../helpers/workspace.ts";
import { startSimulator } from "../simulator/index.ts";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Served {
  url: string;
  hits: { method: string; path: string }[];
  close(): Promise<void>;
}

async function serve(handler: http.RequestListener, tls?: { key: string; cert: string }): Promise<Served> {
  const hits: Served["hits"] = [];
  const listener: http.RequestListener = (req, res) => {
    hits.push({ method: req.method ?? "", path: req.url ?? "" });
    req.resume();
    req.on("end", () => handler(req, res));
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const NGINX_PAGE = `<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n${"<p>filler text of a long page</p>\n".repeat(200)}</body>\n</html>\n`;
const PYTHON_501 =
  '<!DOCTYPE HTML>\n<html lang="en">\n    <head>\n        <meta charset="utf-8">\n        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n        <p>Error code: 501</p>\n        <p>Message: Unsupported method (\'POST\').</p>\n    </body>\n</html>\n';

/** A workspace with an empty CODEX_HOME, and a runner with the gateway variables given. */
function setup() {
  const ws = createWorkspace();
  const run = (args: string[], env: Record<string, string | undefined>, input?: string) =>
    runCli(args, {
      cwd: ws.dir,
      input,
      env: { CODEX_HOME: ws.home, TMPDIR: ws.tmp, LITELLM_API_KEY: TEST_KEY, ...env },
    });
  return { ws, run };
}

const workspaces: { cleanup(): void }[] = [];
after(() => {
  for (const ws of workspaces) ws.cleanup();
});

function fresh() {
  const s = setup();
  workspaces.push(s.ws);
  return s;
}

describe("a base URL where nothing OpenAI-compatible answers", () => {
  test("nothing listening: one line naming the URL, no retries, no buffered mode", async () => {
    const { run } = fresh();
    const port = await freePort();
    const started = Date.now();
    const r = await run(["exec", "--skip-git-repo-check", "-m", "m", "hi"], {
      LITELLM_BASE_URL: `http://127.0.0.1:${port}`,
    });
    const took = Date.now() - started;
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `\\nERROR: cannot reach http://127\\.0\\.0\\.1:${port}/v1/chat/completions: nothing listening \\(ECONNREFUSED\\); check LITELLM_BASE_URL and that the gateway is running\\n`,
      ),
    );
    assert.doesNotMatch(r.stderr, /reconnecting|buffered/);
    assert.equal((r.stderr.match(/ERROR:/g) ?? []).length, 1);
    assert.ok(took < 5000, `took ${took} ms`);
    const models = await run(["models"], { LITELLM_BASE_URL: `http://127.0.0.1:${port}` });
    assert.equal(models.code, 1);
    assert.equal(
      models.stderr,
      `Error: could not list models: cannot reach http://127.0.0.1:${port}/v1/models: nothing listening (ECONNREFUSED); check LITELLM_BASE_URL and that the gateway is running\n`,
    );
  });

  const pages: [string, http.RequestListener, RegExp][] = [
    [
      "an nginx welcome page",
      (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(NGINX_PAGE),
      /is not an OpenAI-compatible endpoint: it answered HTTP 200, text\/html with an HTML page "Welcome to nginx!"; check LITELLM_BASE_URL/,
    ],
    [
      "Python's http.server (501 for POST)",
      (req, res) =>
        req.method === "POST"
          ? res.writeHead(501, { "content-type": "text/html;charset=utf-8" }).end(PYTHON_501)
          : res
              .writeHead(200, { "content-type": "text/html" })
              .end("<!DOCTYPE HTML><html><title>Directory listing for /</title></html>"),
      /is not an OpenAI-compatible endpoint: it answered HTTP 501, text\/html with an HTML page "Error response"; check LITELLM_BASE_URL/,
    ],
  ];
  for (const [name, handler, expected] of pages) {
    test(`${name}: one chat request, the page named and never pasted`, async () => {
      const { run } = fresh();
      const server = await serve(handler);
      try {
        const r = await run(["exec", "--skip-git-repo-check", "-m", "m", "hi"], {
          LITELLM_BASE_URL: server.url,
        });
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          new RegExp(`ERROR: ${server.url.replace(/\./g, "\\.")}/v1/chat/completions ${expected.source}`),
        );
        assert.doesNotMatch(r.stderr, /<html|<title|stream closed|reconnecting|buffered/i);
        assert.equal(server.hits.filter((h) => h.method === "POST").length, 1);
        const models = await run(["models"], { LITELLM_BASE_URL: server.url });
        assert.equal(models.code, 1);
        assert.match(
          models.stderr,
          /^Error: could not list models: http:\/\/127\.0\.0\.1:\d+\/v1\/models is not an OpenAI-compatible endpoint/,
        );
        assert.doesNotMatch(models.stderr, /Unexpected token|JSON|<html/i);
      } finally {
        await server.close();
      }
    });
  }

  const openssl = (() => {
    try {
      execFileSync("openssl", ["version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  test("a self-signed certificate: named, with NODE_EXTRA_CA_CERTS as the fix", {
    skip: !openssl && "openssl is not installed",
  }, async () => {
    const { ws, run } = fresh();
    const key = join(ws.tmp, "key.pem");
    const cert = join(ws.tmp, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const server = await serve(
      (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(NGINX_PAGE),
      { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") },
    );
    try {
      const r = await run(["exec", "--skip-git-repo-check", "-m", "m", "hi"], {
        LITELLM_BASE_URL: server.url,
      });
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /ERROR: cannot reach https:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: certificate not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)[^)]*\); if your gateway uses a private CA, point NODE_EXTRA_CA_CERTS at its PEM file\n/,
      );
      assert.doesNotMatch(r.stderr, /reconnecting/);
      // Trusted: the request gets through (and meets the page).
      const trusted = await run(["exec", "--skip-git-repo-check", "-m", "m", "hi"], {
        LITELLM_BASE_URL: server.url,
        NODE_EXTRA_CA_CERTS: cert,
      });
      assert.match(trusted.stderr, /is not an OpenAI-compatible endpoint/);
    } finally {
      await server.close();
    }
  });
});

describe("checks before anything is written", () => {
  const cases: [string, string[], Record<string, string | undefined>, RegExp][] = [
    [
      "no base URL",
      ["exec", "--skip-git-repo-check", "-m", "m", "hi"],
      { LITELLM_BASE_URL: undefined },
      /^Error: no gateway configured: set LITELLM_BASE_URL .*codex-litellm login/,
    ],
    [
      "no key",
      ["exec", "--skip-git-repo-check", "-m", "m", "hi"],
      { LITELLM_BASE_URL: "http://127.0.0.1:9", LITELLM_API_KEY: undefined },
      /^Error: missing API key: set LITELLM_API_KEY .*\(a proxy without auth accepts any value\)/,
    ],
    [
      "a base URL without a scheme",
      ["exec", "--skip-git-repo-check", "-m", "m", "hi"],
      { LITELLM_BASE_URL: "localhost:4000" },
      /^Error: the base URL "localhost:4000" is not an http:\/\/ or https:\/\/ URL: check LITELLM_BASE_URL/,
    ],
    [
      "an -o path in a missing directory",
      ["exec", "--skip-git-repo-check", "-o", "no/such/dir/last.txt", "-m", "m", "hi"],
      { LITELLM_BASE_URL: "http://127.0.0.1:9" },
      /^Error: -o\/--output-last-message: cannot write .*no\/such\/dir\/last\.txt \(.*: no such directory\)/,
    ],
    [
      "a missing --cd directory",
      ["exec", "--skip-git-repo-check", "--cd", "missing-dir", "-m", "m", "hi"],
      { LITELLM_BASE_URL: "http://127.0.0.1:9" },
      /^Error: --cd: missing-dir is not a directory/,
    ],
  ];
  for (const [name, args, env, expected] of cases) {
    test(`${name}: one line, no session, history, log or token summary`, async () => {
      const { ws, run } = fresh();
      const r = await run(args, env);
      // A missing --cd directory is a usage error (2); the others are configuration errors (1).
      assert.equal(r.code, args.includes("--cd") ? 2 : 1, r.stderr);
      assert.match(r.stderr, expected);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /tokens used/);
      assert.deepEqual(readdirSync(ws.home), []);
    });
  }
});

describe("a wrong key or model is named", () => {
  test("a wrong key: the gateway's 401, one request, in under two seconds", async () => {
    const t = await e2e({ responses: [{ text: "never" }] });
    try {
      const started = Date.now();
      const r = await t.run(["exec", "-m", "m", "hi"], { env: { LITELLM_API_KEY: "sk-wrong" } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /ERROR: gateway answered 401 \(unauthorized: check LITELLM_API_KEY\)/);
      assert.equal(t.chatBodies().length, 1);
      assert.ok(Date.now() - started < 5000);
    } finally {
      await t.close();
    }
  });

  test("a model the gateway does not know: LiteLLM's words, and where to find the names", async () => {
    const message =
      "litellm.BadRequestError: Invalid model name passed in model=gpt-9. Call `/v1/models` to view available models for your key.";
    const t = await e2e({
      responses: [{ status: 400, body: { error: { message, type: "invalid_request_error", code: "400" } } }],
    });
    try {
      const r = await t.run(["exec", "-m", "gpt-9", "hi"]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /ERROR: gateway answered 400 \(unknown model: `codex-litellm models` lists the gateway's models\): .*model=gpt-9/,
      );
      assert.equal(t.chatBodies().length, 1);
    } finally {
      await t.close();
    }
  });
});

describe("discovery", () => {
  test("a run that needs the window asks one route, once; a known window asks none", async () => {
    const t = await e2e({
      models: [{ id: "m", max_input_tokens: 50_000 }],
      responses: [{ text: "one" }, { text: "two" }, { text: "three" }],
    });
    try {
      const discovery = () =>
        t.sim.requests.filter((r) => !r.path.endsWith("/chat/completions")).map((r) => r.path);
      assert.equal((await t.run(["exec", "-m", "m", "go"])).code, 0);
      assert.deepEqual(discovery(), ["/model_group/info"]);
      assert.equal((await t.run(["exec", "-m", "m", "go"])).code, 0);
      assert.deepEqual(discovery(), ["/model_group/info"], "cached");
      assert.ok(existsSync(join(t.ws.home, "cache", "codex-litellm-models.json")));
      const other = await t.run(["exec", "-c", "context_length=64000", "-m", "m", "go"]);
      assert.equal(other.code, 0, other.stderr);
      assert.deepEqual(discovery(), ["/model_group/info"], "a configured window needs no discovery");
    } finally {
      await t.close();
    }
  });
});

describe("max_requests_per_turn", () => {
  test("the limit is a config key, and reaching it says so", async () => {
    const call = { name: "shell", arguments: { command: ["true"] } };
    const t = await e2e({
      responses: [{ tool_calls: [call] }, { tool_calls: [call] }, { tool_calls: [call] }],
    });
    try {
      const r = await t.run(["exec", "-c", "max_requests_per_turn=2", "-m", "m", "go"]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /ERROR: stopped after 2 model requests in one turn without a final answer \(max_requests_per_turn = 2; raise it with -c max_requests_per_turn=N\)/,
      );
      assert.equal(t.chatBodies().length, 2);
    } finally {
      await t.close();
    }
  });
});

describe("a gateway that goes away mid-session", () => {
  test("a restart longer than the retry counts is waited out: one countdown line, streaming stays on", async () => {
    const call = { name: "shell", arguments: { command: ["bash", "-lc", "sleep 0.5"] } };
    const t = await e2e({ responses: [{ tool_calls: [call] }] });
    const port = Number(new URL(t.sim.origin).port);
    let back: Awaited<ReturnType<typeof startSimulator>> | undefined;
    let outage: Promise<void> | undefined;
    try {
      const r = await t.run(
        [
          "exec",
          "-c",
          "model_providers.litellm.request_max_retries=1",
          "-c",
          "model_providers.litellm.stream_max_retries=1",
          "-c",
          "model_providers.litellm.connection_retry_window_ms=20000",
          "-c",
          "context_length=64000",
          "-m",
          "m",
          "go",
        ],
        {
          onSpawn: () => {
            outage = (async () => {
              while (t.chatBodies().length === 0) await delay(20);
              // Down while the command runs, up again 2.5 s later: far past what one counted retry waits.
              await delay(100);
              await t.sim.close();
              await delay(2500);
              back = await startSimulator({
                scenario: { responses: [{ text: "back again" }] },
                port,
                apiKey: TEST_KEY,
              });
            })();
          },
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "back again\n");
      assert.equal(
        (r.stderr.match(/gateway unreachable \(.*\); retrying for up to 20 s more/g) ?? []).length,
        1,
        r.stderr,
      );
      assert.doesNotMatch(r.stderr, /reconnecting|buffered/);
      const bodies = back?.requests.filter((q) => q.path.endsWith("/chat/completions")) ?? [];
      assert.equal(bodies.length, 1);
      assert.equal((bodies[0].body as { stream?: boolean }).stream, true);
    } finally {
      await outage;
      await back?.close();
      await t.close();
    }
  });
});

describe("a slow model is never cut off", () => {
  test("reasoning deltas arriving slower than a short idle timeout, but steadily, keep the stream alive", async () => {
    const t = await e2e({
      responses: [
        {
          reasoning: "thinking slowly about it",
          text: "slow but sure, and steady all the way",
          chunk_size: 4,
          fault: { chunk_delay_ms: 150 },
        },
      ],
    });
    try {
      const started = Date.now();
      const r = await t.run([
        "exec",
        "-c",
        "model_providers.litellm.stream_idle_timeout_ms=400",
        "-m",
        "m",
        "go",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "slow but sure, and steady all the way\n");
      assert.ok(Date.now() - started > 1000, "the whole answer took longer than the idle timeout");
      assert.equal(t.chatBodies().length, 1);
    } finally {
      await t.close();
    }
  });
});
