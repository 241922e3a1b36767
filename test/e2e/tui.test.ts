// The built TUI in a real terminal: tmux runs `node dist/cli.js` against the gateway simulator; keys are sent
// with `send-keys` and assertions read what the user sees (`capture-pane`). Each test has its own tmux server
// (unique socket), simulator, workspace and CODEX_HOME, all removed in `finally`.
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { compactTokens } from "../../src/telemetry/usage.ts";
import { CLI, runCli } from "../helpers/cli.ts";
import { TEST_KEY, trustToml } from "../helpers/e2e.ts";
import { listRollouts } from "../helpers/rollouts.ts";
import { cleanEnv, HAVE_TMUX, shellQuote, startInPane, Terminal } from "../helpers/terminal.ts";
import { READY, tuiSession } from "../helpers/tui.ts";

const skip = HAVE_TMUX ? false : "tmux is not installed";

test("a turn: streamed answer, command and patch cells, /status with the LiteLLM usage card, /quit", {
  skip,
}, async () => {
  const scenario = JSON.parse(
    readFileSync(new URL("../simulator/scenarios/hello.json", import.meta.url), "utf8"),
  );
  scenario.responses.push({
    text: "Streaming a long answer, chunk after chunk, to the very end.",
    chunk_size: 4,
    fault: { chunk_delay_ms: 60 },
  });
  const s = await tuiSession(scenario);
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("create hello.txt");
    const screen = await term.waitFor('Created hello.txt containing "hello world".');
    assert.match(screen, /Ran printf 'helo wrld\\n' > hello\.txt/);
    assert.match(screen, /✓ exit 0/);
    assert.match(screen, /Edited hello\.txt \(\+1 -1\)/);
    assert.match(screen, /-helo wrld/);
    assert.match(screen, /\+hello world/);
    assert.match(screen, /sim-model · default effort · \d+% context left/);

    // The next answer arrives in chunks: a frame shows its beginning before its end.
    await term.submit("stream something");
    const partial = await term.waitFor("Streaming a long");
    assert.doesNotMatch(partial, /to the very end\./, "the answer was drawn only when complete");
    await term.waitFor("to the very end.");
    await term.waitFor(READY);

    await term.submit("/status");
    const status = await term.waitFor("LiteLLM usage:");
    const usage = readFileSync(join(s.ws.home, "logs", "codex-litellm-session.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(usage.length, 4);
    const total = usage.reduce((n, r) => n + r.total_tokens, 0);
    const compact = compactTokens(total);
    assert.match(
      status,
      new RegExp(
        `LiteLLM usage:\\s+${compact.replace(".", "\\.")} tokens across 4 turns \\(last model sim-model`,
      ),
    );
    assert.match(status, /• sim-model .* tokens in 4 turns/);
    assert.match(status, /Context window:\s+\d+% left \([\d.K]+ used \/ 128K\)/);
    assert.match(status, /Model:\s+sim-model \(reasoning default\)/);
    assert.match(status, /Approval:\s+on-request/);

    await term.submit("/quit");
    const bye = await term.waitFor("[exit 0]");
    const id = /To continue this session, run codex-litellm resume ([0-9a-f-]{36})/.exec(bye)?.[1];
    assert.ok(id, bye);
    assert.ok(
      listRollouts(s.ws.home).some((p) => p.includes(id)),
      "the session was recorded under that id",
    );
  } finally {
    term.kill();
    await s.close();
  }
});

test("a 270 KB answer in one line streams into word-wrapped rows; the TUI stays responsive and SIGTERM ends it cleanly", {
  skip,
}, async () => {
  const END = "THE END OF THE ANSWER.";
  const answer = `${"The quick brown fox jumps over the lazy dog. ".repeat(6_000)}${END}`;
  const s = await tuiSession({ responses: [{ text: answer, chunk_size: 7 }] });
  // The pane's shell writes its pid and becomes node (exec), so the test can signal the TUI itself.
  const pidFile = join(s.ws.tmp, "tui.pid");
  const command = `sh -c ${shellQuote(`echo $$ > ${shellQuote(pidFile)}; exec env -i ${cleanEnv(s.env)} ${shellQuote(process.execPath)} ${shellQuote(CLI)} -m sim-model`)}; echo "[exit $?]"; sleep 120`;
  const term = Terminal.open(s.ws.tmp, s.ws.dir, command);
  try {
    await term.waitFor(READY);
    await term.submit("go long");
    // Before rows were wrapped ahead of Ink, a 90 KB line already took longer than this to draw.
    const screen = await term.waitFor(END, 20_000);
    await term.waitFor(READY, 5_000);
    const rows = screen.split("\n").filter((l) => /^ {2}\S/.test(l) && /quick|lazy|fox/.test(l));
    assert.ok(rows.length > 10, screen);
    for (const row of rows) {
      assert.ok(row.length <= 120, row);
      assert.match(
        row,
        /^ {2}(The|quick|brown|fox|jumps|over|the|lazy|dog\.)( |$)/,
        "rows break between words",
      );
    }
    process.kill(Number(readFileSync(pidFile, "utf8")), "SIGTERM");
    const bye = await term.waitFor("[exit 143]");
    assert.match(bye, /To continue this session, run codex-litellm resume [0-9a-f-]{36}/);
    const [rollout] = listRollouts(s.ws.home);
    const records = readFileSync(rollout, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.ok(
      records.some((r) => r.type === "response_item" && JSON.stringify(r.payload).includes(END)),
      "the whole answer was recorded",
    );
  } finally {
    term.kill();
    await s.close();
  }
});

test("a terminal made shorter while an answer streams keeps the earlier answers", { skip }, async () => {
  const long = Array.from({ length: 150 }, (_, i) => `streamed line ${i + 1}`).join("\n");
  const s = await tuiSession({
    responses: [
      { text: "First answer kept." },
      { text: "Second answer kept." },
      { text: `${long}\nLAST LINE.`, chunk_size: 12, fault: { chunk_delay_ms: 10 } },
    ],
  });
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("one");
    await term.waitFor("First answer kept.");
    await term.submit("two");
    await term.waitFor("Second answer kept.");
    await term.submit("three");
    await term.waitFor("streamed line 60");
    term.resize(120, 30);
    await term.waitFor("LAST LINE.", 20_000);
    await term.waitFor(READY);
    const screen = term.screen();
    assert.match(screen, /First answer kept\./);
    assert.match(screen, /Second answer kept\./);
  } finally {
    term.kill();
    await s.close();
  }
});

test("a 50 KB pasted line is drawn as a window of wrapped rows and sent whole", { skip }, async () => {
  const s = await tuiSession({ responses: [{ text: "Read it all." }] });
  const term = s.start();
  try {
    await term.waitFor(READY);
    const pasted = `${"Erreur : déjà vu à la ligne 42 — encore. ".repeat(1_200)}FIN`;
    term.paste(pasted);
    const screen = await term.waitFor(/encore\. FIN/, 10_000);
    assert.match(screen, /│ {3}… \d+ rows above/);
    assert.ok(screen.split("\n").length < 80, "the composer is a window, not the whole paste");
    term.keys("Enter");
    await term.waitFor("Read it all.");
    assert.equal(s.chatBodies()[0].messages.at(-1).content, pasted);
  } finally {
    term.kill();
    await s.close();
  }
});

test("approvals with -a untrusted: y runs the command, n sends the user's feedback to the model", {
  skip,
}, async () => {
  const s = await tuiSession(
    {
      responses: [
        {
          text: "Creating it.",
          tool_calls: [
            { id: "c1", name: "shell", arguments: { command: ["bash", "-lc", "touch made.txt"] } },
          ],
        },
        { text: "Made it." },
        {
          text: "Once more.",
          tool_calls: [
            { id: "c2", name: "shell", arguments: { command: ["bash", "-lc", "touch other.txt"] } },
          ],
        },
        { text: "Understood." },
      ],
    },
    { args: ["-m", "sim-model", "-a", "untrusted"] },
  );
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("make a file");
    await term.waitFor("Allow this command to run?");
    assert.match(term.screen(), /\$ touch made\.txt/);
    term.type("y");
    await term.waitFor("Made it.");
    assert.ok(statSync(join(s.ws.dir, "made.txt")).isFile());

    await term.submit("another");
    await term.waitFor("Allow this command to run?");
    term.type("n");
    await term.waitFor("Tell the model what to do differently");
    term.type("call it third.txt");
    term.keys("Enter");
    await term.waitFor("Understood.");
    assert.throws(() => statSync(join(s.ws.dir, "other.txt")));
    const toolMessage = s.chatBodies()[3].messages.at(-1);
    assert.equal(toolMessage.role, "tool");
    assert.match(toolMessage.content, /the user declined this command and said: call it third\.txt/);
  } finally {
    term.kill();
    await s.close();
  }
});

test("prompts typed during a turn are queued and sent when it ends; Esc puts them back in the composer", {
  skip,
}, async () => {
  const s = await tuiSession({
    responses: [
      { text: "First answer, streamed slowly to its end.", chunk_size: 3, fault: { chunk_delay_ms: 150 } },
      { text: "Second answer." },
      { text: "Summary of the conversation so far.", chunk_size: 3, fault: { chunk_delay_ms: 150 } },
      { text: "After compact." },
      { text: "never", fault: { hang_before_headers: true } },
    ],
  });
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("first question");
    await term.waitFor("First answer");
    await term.submit("second question");
    const waiting = await term.waitFor("↳ queued: second question");
    assert.doesNotMatch(waiting, /Second answer\./);
    await term.waitFor("Second answer.");
    await term.waitFor(READY);
    assert.doesNotMatch(term.screen(), /↳ queued/);
    assert.equal(s.chatBodies().length, 2);
    assert.equal(s.chatBodies()[1].messages.at(-1).content, "second question");

    // Compaction makes the session busy too: what is queued meanwhile goes out when it ends.
    await term.submit("/compact");
    await term.waitFor(/Compacting \(\d+s/);
    await term.submit("after the summary");
    await term.waitFor("↳ queued: after the summary");
    await term.waitFor("After compact.");
    assert.equal(s.chatBodies().length, 4);
    assert.equal(s.chatBodies()[3].messages.at(-1).content, "after the summary");

    await term.submit("hang");
    await term.waitFor(/Working \(\d+s • esc to interrupt\)/);
    // "Working" shows before the request has reached the gateway; on a loaded machine Esc could come first.
    for (let i = 0; i < 200 && s.chatBodies().length < 5; i++) await new Promise((r) => setTimeout(r, 25));
    await term.submit("keep this");
    await term.waitFor("↳ queued: keep this");
    term.keys("Escape");
    await term.waitFor("turn interrupted");
    const back = await term.waitFor(/│ › keep this/);
    assert.doesNotMatch(back, /↳ queued/);
    assert.equal(s.chatBodies().length, 5, "the queued prompt was not sent");
  } finally {
    term.kill();
    await s.close();
  }
});

test("Esc interrupts a request the gateway never answers; the next prompt works", { skip }, async () => {
  const s = await tuiSession({
    responses: [{ text: "never", fault: { hang_before_headers: true } }, { text: "Back again." }],
  });
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("hang");
    await term.waitFor(/Working \(\d+s • esc to interrupt\)/);
    term.keys("Escape");
    await term.waitFor("turn interrupted");
    await term.submit("try again");
    await term.waitFor("Back again.");
  } finally {
    term.kill();
    await s.close();
  }
});

test("/model picks from the gateway's models and saves into codex-litellm.config.toml, config.toml untouched", {
  skip,
}, async () => {
  const s = await tuiSession(
    {
      models: [
        { id: "sim-model", max_input_tokens: 128000 },
        { id: "other/model-b", max_input_tokens: 64000 },
      ],
      responses: [],
    },
    { args: ["-a", "on-request"] },
  );
  const original =
    '# my settings\nmodel = "gpt-5.4"\nmystery_key = { keep = true }\n\n[profiles.codex-litellm]\n# chosen here\nmodel = "sim-model"\n';
  writeFileSync(join(s.ws.home, "config.toml"), original);
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("/model");
    await term.waitFor("Select LiteLLM Model and Effort");
    await term.waitFor("other/model-b");
    // Each model with its window; the efforts offered are every value config accepts.
    const list = await term.waitFor("64,000-token window");
    assert.match(list, /sim-model\s+128,000-token window · current/);
    term.type("model-b");
    await term.waitFor("search: model-b");
    term.keys("Enter");
    const efforts = await term.waitFor("Select Reasoning Effort for other/model-b");
    for (const effort of ["none", "minimal", "low", "medium", "high", "xhigh"])
      assert.match(efforts, new RegExp(`\\b${effort}\\b`));
    term.keys("Down", "Down", "Down", "Down");
    await term.waitFor("› medium");
    term.keys("Enter");
    await term.waitFor("model changed to other/model-b (reasoning medium)");
    await term.waitFor(/other\/model-b · medium effort · 100% context left/);
    assert.equal(readFileSync(join(s.ws.home, "config.toml"), "utf8"), original);
    assert.equal(
      readFileSync(join(s.ws.home, "codex-litellm.config.toml"), "utf8"),
      'model = "other/model-b"\nmodel_reasoning_effort = "medium"\n',
    );
  } finally {
    term.kill();
    await s.close();
  }
});

test("first run: asks for base URL, key and model, writes .env (0600) and codex-litellm.config.toml", {
  skip,
}, async () => {
  const s = await tuiSession({ responses: [] });
  // No gateway configured at all: neither variable is set.
  const { LITELLM_BASE_URL: _url, LITELLM_API_KEY: _key, ...env } = s.env;
  const term = startInPane(s.ws.tmp, s.ws.dir, env, [process.execPath, CLI]);
  try {
    await term.waitFor("LiteLLM base URL");
    await term.submit(s.sim.origin);
    await term.waitFor("LiteLLM API key");
    term.type(TEST_KEY);
    await term.waitFor("•".repeat(TEST_KEY.length));
    assert.doesNotMatch(term.screen(), new RegExp(TEST_KEY), "the key is masked");
    term.keys("Enter");
    await term.waitFor("› sim-model");
    term.keys("Enter");
    const screen = await term.waitFor(READY);
    assert.match(screen, /Normalizing LiteLLM base URL to http:\/\/127\.0\.0\.1:\d+\/v1/);
    assert.match(screen, /sim-model · default effort/);
    const dotenv = join(s.ws.home, ".env");
    assert.equal(statSync(dotenv).mode & 0o777, 0o600);
    assert.equal(
      readFileSync(dotenv, "utf8"),
      `LITELLM_BASE_URL=${JSON.stringify(`${s.sim.origin}/v1`)}\nLITELLM_API_KEY=${JSON.stringify(TEST_KEY)}\n`,
    );
    assert.equal(readFileSync(join(s.ws.home, "config.toml"), "utf8"), trustToml(s.ws.dir));
    assert.equal(readFileSync(join(s.ws.home, "codex-litellm.config.toml"), "utf8"), 'model = "sim-model"\n');

    // Without a terminal there is no one to ask: say how to configure, exit 1, write nothing.
    const other = await runCli([], { cwd: s.ws.dir, env: { CODEX_HOME: join(s.ws.tmp, "fresh") } });
    assert.equal(other.code, 1);
    assert.match(other.stderr, /needs initial LiteLLM setup/);
    assert.match(other.stderr, /LITELLM_BASE_URL=/);
  } finally {
    term.kill();
    await s.close();
  }
});

test("resuming a session larger than the window asks to compact or abort", { skip }, async () => {
  const s = await tuiSession({
    responses: [
      { text: "Noted." },
      { text: "Summary: the user pasted a long log." },
      { text: "Continuing." },
    ],
  });
  try {
    // A stored session of this directory, ~2,500 tokens, resumed with a 1,000-token window.
    const first = await runCli(["exec", "-m", "sim-model", `look at this: ${"log line ".repeat(1100)}`], {
      cwd: s.ws.dir,
      env: s.env,
    });
    assert.equal(first.code, 0, first.stderr);
    const term = s.start(["-m", "sim-model", "resume", "--last", "-c", "context_length=1000"]);
    try {
      await term.waitFor("This session is larger than the context window");
      term.keys("Enter");
      await term.waitFor("context compacted");
      await term.submit("go on");
      await term.waitFor("Continuing.");
    } finally {
      term.kill();
    }
  } finally {
    await s.close();
  }
});
