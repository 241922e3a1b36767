// Codex 0.171's command words and flags against the built CLI: no word ever reaches the model, and each
// supported row of the README's compatibility table works.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { e2e } from "../helpers/e2e.ts";

/** Every subcommand name (and alias) `codex --help` lists in 0.171, plus the hidden ones it accepts. */
const CODEX_WORDS = [
  "agents",
  "exec",
  "e",
  "review",
  "login",
  "logout",
  "mcp",
  "plugin",
  "app-server",
  "remote-control",
  "completion",
  "update",
  "doctor",
  "sandbox",
  "debug",
  "apply",
  "a",
  "resume",
  "queue",
  "archive",
  "delete",
  "migrate-rollouts",
  "migrate-nfs-db",
  "unarchive",
  "fork",
  "cloud",
  "cloud-tasks",
  "exec-server",
  "features",
  "help",
  "responses-api-proxy",
];

const STOCK_CODEX = fileURLToPath(new URL("../../node_modules/.bin/codex", import.meta.url));

/** A gateway that fails the run if a chat request ever arrives. */
const refuseAll = () => ({
  responses: [{ status: 500, body: { error: { message: "no prompt expected" } } }],
});

describe("command words", () => {
  test("the list is stock Codex's: every command `codex --help` names (when @openai/codex is installed)", {
    skip: existsSync(STOCK_CODEX) ? false : "@openai/codex is not installed",
  }, () => {
    const help = execFileSync(STOCK_CODEX, ["--help"], { encoding: "utf8", env: { PATH: process.env.PATH } });
    const section = help.slice(help.indexOf("Commands:"), help.indexOf("Arguments:"));
    const names = [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]);
    const aliases = [...section.matchAll(/\[aliases: ([\w, -]+)\]/g)].flatMap((m) => m[1].split(/,\s*/));
    assert.ok(names.length > 20, section);
    for (const word of [...names, ...aliases]) assert.ok(CODEX_WORDS.includes(word), `${word} is missing`);
  });

  test("no Codex subcommand name is sent to the model as a prompt", async () => {
    const t = await e2e(refuseAll());
    try {
      for (const word of CODEX_WORDS) {
        const r = await t.run([word]);
        assert.notEqual(r.code, null, word);
        assert.doesNotMatch(r.stderr, /no prompt expected|unexpected failure/, `${word}: ${r.stderr}`);
        // The TUI needs a terminal: that error would mean the word was taken as a prompt (resume and fork
        // open the TUI's session picker, so they get it too).
        if (word !== "resume" && word !== "fork")
          assert.doesNotMatch(r.stderr, /interactive TUI needs a terminal/, `${word} opened the TUI`);
      }
      assert.equal(t.chatBodies().length, 0);
    } finally {
      await t.close();
    }
  });

  test("a word codex-litellm does not offer answers one line saying what to use instead, exit 2", async () => {
    const t = await e2e(refuseAll());
    try {
      for (const word of ["features", "apply", "cloud", "update", "plugin", "archive"]) {
        const r = await t.run([word, "list"]);
        assert.equal(r.code, 2, word);
        assert.equal(r.stdout, "");
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.match(r.stderr, /^codex-litellm does not offer `\w[\w-]*` \(.+\): .+\.\n$/);
      }
    } finally {
      await t.close();
    }
  });

  test("login, logout and doctor are commands, never prompts, and send no chat request", async () => {
    const t = await e2e(refuseAll());
    try {
      const login = await t.run(["login"]);
      assert.equal(login.code, 2);
      assert.match(login.stderr, /^Error: login: no terminal to ask in/);
      assert.equal((await t.run(["logout"])).code, 0);
      assert.match((await t.run(["doctor"])).stdout, /^ok {4}home: /);
      assert.equal(t.chatBodies().length, 0);
    } finally {
      await t.close();
    }
  });

  test("help, help CMD and exec help print help, exit 0", async () => {
    const t = await e2e(refuseAll());
    try {
      const top = await t.run(["help"]);
      assert.equal(top.code, 0);
      assert.match(top.stdout, /Usage: codex-litellm/);
      const exec = await t.run(["help", "exec"]);
      assert.equal(exec.code, 0);
      assert.match(exec.stdout, /Usage: codex-litellm exec\|e/);
      assert.match(exec.stdout, /--output-schema/);
      const sub = await t.run(["exec", "help"]);
      assert.equal(sub.code, 0);
      assert.match(sub.stdout, /Usage: codex-litellm exec/);
      assert.equal(t.chatBodies().length, 0);
    } finally {
      await t.close();
    }
  });

  test("each subcommand's --help lists only the options it uses", async () => {
    const t = await e2e(refuseAll());
    try {
      const models = await t.run(["models", "--help"]);
      assert.doesNotMatch(models.stdout, /--sandbox|--ask-for-approval|--full-auto|--image/);
      const review = await t.run(["review", "--help"]);
      assert.match(review.stdout, /--base <BRANCH>/);
      assert.doesNotMatch(review.stdout, /--sandbox|--ask-for-approval|--image|--add-dir/);
      const completion = await t.run(["completion", "--help"]);
      assert.doesNotMatch(completion.stdout, /--model/);
    } finally {
      await t.close();
    }
  });
});

describe("exec flags", () => {
  test("`e` is exec", async () => {
    const t = await e2e({ responses: [{ text: "done" }] });
    try {
      const r = await t.run(["e", "-m", "sim-model", "say done"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "done\n");
    } finally {
      await t.close();
    }
  });

  test("piped stdin with a prompt is appended as a <stdin> block, and said so", async () => {
    const t = await e2e({ responses: [{ text: "reviewed" }] });
    try {
      const r = await t.run(["exec", "-m", "sim-model", "review this"], {
        input: "diff --git a/x b/x\n+1\n",
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^Reading additional input from stdin\.\.\.$/m);
      const user = t.chatBodies()[0].messages.at(-1);
      assert.equal(user.content, "review this\n\n<stdin>\ndiff --git a/x b/x\n+1\n</stdin>");
    } finally {
      await t.close();
    }
  });

  test("empty piped stdin adds nothing and says nothing", async () => {
    const t = await e2e({ responses: [{ text: "ok" }] });
    try {
      const r = await t.run(["exec", "-m", "sim-model", "hi"], { input: "" });
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /Reading additional input/);
      assert.equal(t.chatBodies()[0].messages.at(-1).content, "hi");
    } finally {
      await t.close();
    }
  });

  test("usage errors exit 2: --cd to a missing directory, --add-dir missing, unknown option", async () => {
    const t = await e2e(refuseAll());
    try {
      const cd = await t.run(["exec", "-m", "sim-model", "--cd", "/missing/dir", "hi"]);
      assert.equal(cd.code, 2, cd.stderr);
      assert.match(cd.stderr, /--cd: \/missing\/dir is not a directory/);
      const add = await t.run(["exec", "-m", "sim-model", "--add-dir", "/missing/dir", "hi"]);
      assert.equal(add.code, 2, add.stderr);
      const unknown = await t.run(["exec", "--no-such-flag", "hi"]);
      assert.equal(unknown.code, 2);
      assert.equal(t.chatBodies().length, 0);
    } finally {
      await t.close();
    }
  });

  test("--add-dir makes another directory writable", async () => {
    const t = await e2e({
      responses: [
        {
          tool_calls: [
            { name: "shell", arguments: { command: ["bash", "-lc", "echo hi > ../extra/out.txt"] } },
          ],
        },
        { text: "written" },
      ],
    });
    try {
      const extra = join(t.ws.dir, "..", "extra");
      execFileSync("mkdir", ["-p", extra]);
      const r = await t.run(["exec", "-m", "sim-model", "--add-dir", extra, "write it"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /succeeded/);
      assert.equal(readFileSync(join(extra, "out.txt"), "utf8"), "hi\n");
    } finally {
      await t.close();
    }
  });

  test("--strict-config and --ignore-user-config are accepted by exec and the TUI", async () => {
    const t = await e2e({ responses: [{ text: "ok" }] });
    try {
      const r = await t.run(["exec", "--strict-config", "--ignore-user-config", "-m", "sim-model", "hi"]);
      assert.equal(r.code, 0, r.stderr);
      const help = await t.run(["--help"]);
      assert.match(help.stdout, /--strict-config/);
      assert.match(help.stdout, /--ignore-user-config/);
    } finally {
      await t.close();
    }
  });
});

describe("markdown in exec's human output", () => {
  test("--color always renders the answer's Markdown on stderr; stdout keeps the text as written", async () => {
    const answer = "| a | b |\n|---|---|\n| 1 | 2 |\n\nSee [docs](https://x.dev).";
    const t = await e2e({ responses: [{ text: answer }] });
    try {
      const r = await t.run(["exec", "--color", "always", "-m", "sim-model", "md"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${answer}\n`);
      const plain = r.stderr.replace(/\x1b\[[\d;]*m/g, "");
      assert.match(plain, /a │ b\n──┼──\n1 │ 2/);
      assert.match(plain, /See docs \(https:\/\/x\.dev\)\./);
      assert.match(r.stderr, /\x1b\[4;34mdocs\x1b\[0m/, "the link is underlined");
    } finally {
      await t.close();
    }
  });
});

describe("completion and sandbox", () => {
  test("completion bash|zsh|fish prints a script naming the commands", async () => {
    const t = await e2e(refuseAll());
    try {
      for (const shell of ["bash", "zsh", "fish"]) {
        const r = await t.run(["completion", shell]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /exec/);
        assert.match(r.stdout, /resume/);
        assert.match(r.stdout, /output-schema/);
      }
      const bash = await t.run(["completion"]);
      // The bash script is valid bash and completes `codex-litellm ex` to exec.
      const out = execFileSync(
        "bash",
        [
          "-c",
          `${bash.stdout}\nCOMP_WORDS=(codex-litellm ex); COMP_CWORD=1; _codex_litellm; echo "\${COMPREPLY[@]}"`,
        ],
        { encoding: "utf8" },
      );
      assert.match(out, /\bexec\b/);
      const bad = await t.run(["completion", "powershell"]);
      assert.equal(bad.code, 2);
    } finally {
      await t.close();
    }
  });

  test("sandbox -- CMD runs the command under the agent's policy and exits with its code", async () => {
    const t = await e2e(refuseAll());
    try {
      const ok = await t.run(["sandbox", "--", "sh", "-c", "echo inside > made.txt; exit 3"]);
      assert.equal(ok.code, 3, ok.stderr);
      assert.equal(readFileSync(join(t.ws.dir, "made.txt"), "utf8"), "inside\n");
      const ro = await t.run(["sandbox", "-s", "read-only", "--", "sh", "-c", "echo x > ro.txt"]);
      if (/no sandbox/.test(ro.stderr)) return; // no bubblewrap here: the refusal is the answer
      assert.notEqual(ro.code, 0);
      assert.match(ro.stderr, /Read-only file system/);
      const none = await t.run(["sandbox"]);
      assert.equal(none.code, 2);
    } finally {
      await t.close();
    }
  });
});

describe("review", () => {
  test("review of uncommitted changes: the diff in the prompt, read-only sandbox, no edits", async () => {
    const finding = { text: "[P1] Off by one — calc.js:2\nVerdict: needs a fix." };
    const t = await e2e({ responses: [finding, finding] });
    try {
      t.ws.write("calc.js", "function f(a) {\n  return a;\n}\n");
      execFileSync("git", ["-C", t.ws.dir, "add", "."]);
      execFileSync("git", [
        "-C",
        t.ws.dir,
        "-c",
        "user.email=t@t",
        "-c",
        "user.name=t",
        "commit",
        "-qm",
        "init",
      ]);
      t.ws.write("calc.js", "function f(a) {\n  return a + 1;\n}\n");
      t.ws.write("new.js", "export const x = 1;\n");
      for (const args of [["review"], ["exec", "review"]]) {
        const r = await t.run([...args, "-m", "sim-model"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /calc\.js:2/);
        assert.match(r.stderr, /sandbox: read-only/);
      }
      const prompt = t.chatBodies()[0].messages.at(-1).content as string;
      assert.match(prompt, /uncommitted changes/);
      assert.match(prompt, /\+ {2}return a \+ 1;/);
      assert.match(prompt, /new\.js/);
      assert.match(prompt, /path:line/);
    } finally {
      await t.close();
    }
  });

  test("review --commit SHA and --base BRANCH review those diffs; nothing to review sends nothing", async () => {
    const t = await e2e({ responses: [{ text: "looks fine" }, { text: "looks fine" }] });
    try {
      const git = (...a: string[]) =>
        execFileSync("git", ["-C", t.ws.dir, "-c", "user.email=t@t", "-c", "user.name=t", ...a], {
          encoding: "utf8",
        });
      t.ws.write("a.txt", "one\n");
      git("add", ".");
      git("commit", "-qm", "first");
      git("branch", "base");
      t.ws.write("a.txt", "two\n");
      git("commit", "-qam", "second");
      const sha = git("rev-parse", "HEAD").trim();
      const none = await t.run(["review", "-m", "sim-model"]);
      assert.equal(none.code, 0, none.stderr);
      assert.match(none.stderr, /Nothing to review/);
      assert.equal(t.chatBodies().length, 0);
      const commit = await t.run(["exec", "review", "--commit", sha, "-m", "sim-model"]);
      assert.equal(commit.code, 0, commit.stderr);
      assert.match(t.chatBodies()[0].messages.at(-1).content, /commit [0-9a-f]{7}[\s\S]*\+two/);
      const base = await t.run(["review", "--base", "base", "-m", "sim-model"]);
      assert.equal(base.code, 0, base.stderr);
      assert.match(t.chatBodies()[1].messages.at(-1).content, /base branch `base`[\s\S]*-one\n\+two/);
      const both = await t.run(["review", "--base", "base", "--commit", sha, "-m", "sim-model"]);
      assert.equal(both.code, 2);
    } finally {
      await t.close();
    }
  });
});

describe("output schema and images", () => {
  const SCHEMA = {
    type: "object",
    properties: { answer: { type: "integer" } },
    required: ["answer"],
    additionalProperties: false,
  };

  test("--output-schema sends response_format, validates, and -o holds the JSON", async () => {
    const t = await e2e({ responses: [{ text: '{"answer": 42}' }] });
    try {
      writeFileSync(join(t.ws.dir, "schema.json"), JSON.stringify(SCHEMA));
      const r = await t.run([
        "exec",
        "-m",
        "sim-model",
        "--output-schema",
        "schema.json",
        "-o",
        "out.json",
        "q",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const body = t.chatBodies()[0];
      assert.equal(body.response_format.type, "json_schema");
      assert.deepEqual(body.response_format.json_schema.schema, SCHEMA);
      assert.deepEqual(JSON.parse(readFileSync(join(t.ws.dir, "out.json"), "utf8")), { answer: 42 });
      assert.deepEqual(JSON.parse(r.stdout), { answer: 42 });
    } finally {
      await t.close();
    }
  });

  test("an answer that does not match gets one corrective follow-up, then the run fails", async () => {
    const t = await e2e({ responses: [{ text: "forty-two" }, { text: '```json\n{"answer": 42}\n```' }] });
    try {
      writeFileSync(join(t.ws.dir, "schema.json"), JSON.stringify(SCHEMA));
      const r = await t.run(["exec", "-m", "sim-model", "--output-schema", "schema.json", "q"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '{"answer": 42}\n');
      assert.match(r.stderr, /does not match --output-schema/);
      assert.match(t.chatBodies()[1].messages.at(-1).content, /does not match the required JSON schema/);
    } finally {
      await t.close();
    }
    const bad = await e2e({ responses: [{ text: '{"answer": "x"}' }, { text: '{"answer": "y"}' }] });
    try {
      writeFileSync(join(bad.ws.dir, "schema.json"), JSON.stringify(SCHEMA));
      const r = await bad.run(["exec", "-m", "sim-model", "--output-schema", "schema.json", "--json", "q"]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /"type":"turn.failed".*does not match --output-schema/);
      assert.equal(bad.chatBodies().length, 2);
    } finally {
      await bad.close();
    }
  });

  test("-i sends the image as an image_url data URL part; a model without vision is refused first", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
    const t = await e2e({
      models: [{ id: "eyes", supports_vision: true }, { id: "blind" }],
      responses: [{ text: "a tiny image" }],
    });
    try {
      writeFileSync(join(t.ws.dir, "shot.png"), png);
      const r = await t.run(["exec", "-m", "eyes", "-i", "shot.png", "describe"]);
      assert.equal(r.code, 0, r.stderr);
      const content = t.chatBodies()[0].messages.at(-1).content;
      assert.deepEqual(content[0], { type: "text", text: "describe" });
      assert.equal(content[1].type, "image_url");
      assert.equal(content[1].image_url.url, `data:image/png;base64,${png.toString("base64")}`);
      const blind = await t.run(["exec", "-m", "blind", "-i", "shot.png", "describe"]);
      assert.equal(blind.code, 1);
      assert.match(blind.stderr, /blind does not accept images/);
      const missing = await t.run(["exec", "-m", "eyes", "-i", "nope.png", "describe"]);
      assert.equal(missing.code, 2);
      assert.equal(t.chatBodies().length, 1);
    } finally {
      await t.close();
    }
  });
});
