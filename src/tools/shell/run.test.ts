import assert from "node:assert/strict";
import { existsSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { formatShellOutput, MODEL_OUTPUT_LIMIT_CHARS } from "./format.ts";
import { OutputCapture, runCommand } from "./run.ts";

const dir = mkdtempSync(join(tmpdir(), "shell-run-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
const base = { cwd: dir, env, timeoutMs: 10_000 };

/** Alive and not a zombie (PID 1 in a container may never reap orphans). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

async function waitDead(pid: number, ms = 1000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isAlive(pid);
}

describe("runCommand", () => {
  test("extra descriptors reach the child as fd 3 and are closed here, spawned or not", async () => {
    writeFileSync(join(dir, "fd3.txt"), "through fd 3\n");
    const fd = openSync(join(dir, "fd3.txt"), "r");
    const r = await runCommand(["bash", "-c", "cat <&3"], { ...base, fds: [fd] });
    assert.equal(r.output, "through fd 3\n");
    assert.throws(() => fstatSync(fd), /EBADF/);
    const unused = openSync(join(dir, "fd3.txt"), "r");
    await runCommand(["no-such-command-xyz"], { ...base, fds: [unused] });
    assert.throws(() => fstatSync(unused), /EBADF/);
  });

  test("exit codes and plain output", async () => {
    const ok = await runCommand(["bash", "-c", "echo hello"], base);
    assert.equal(ok.exitCode, 0);
    assert.equal(ok.output, "hello\n");
    assert.equal(ok.timedOut, false);
    assert.equal(ok.aborted, false);
    assert.equal(ok.truncatedBytes, 0);
    assert.equal(ok.totalLines, 1);
    assert.ok(ok.durationMs >= 0);
    const fail = await runCommand(["bash", "-c", "exit 3"], base);
    assert.equal(fail.exitCode, 3);
    assert.equal(fail.output, "");
  });

  test("stdout and stderr interleave in arrival order", async () => {
    const chunks: string[] = [];
    const r = await runCommand(["bash", "-c", "echo a; sleep 0.05; echo b >&2; sleep 0.05; echo c"], {
      ...base,
      onOutput: (c) => chunks.push(c),
    });
    assert.equal(r.output, "a\nb\nc\n");
    assert.equal(chunks.join(""), "a\nb\nc\n");
  });

  test("runs in cwd with the given environment only", async () => {
    const r = await runCommand(["bash", "-c", 'pwd; echo "$ONLY_ME:$(printenv EDITOR || echo unset)"'], {
      ...base,
      env: { ...env, ONLY_ME: "yes" },
    });
    assert.equal(r.output, `${dir}\nyes:unset\n`);
  });

  test("UTF-8 split across chunks decodes intact", async () => {
    const r = await runCommand(["bash", "-c", "printf '\\xe2\\x82'; sleep 0.05; printf '\\xac\\n'"], base);
    assert.equal(r.output, "€\n");
  });

  test("missing executable → 127, no throw", async () => {
    const r = await runCommand(["definitely-not-a-command-xyz"], base);
    assert.equal(r.exitCode, 127);
    assert.match(r.output, /command not found: definitely-not-a-command-xyz/);
    const empty = await runCommand([], base);
    assert.equal(empty.exitCode, 127);
    const nul = await runCommand(["echo", "a\0b"], base);
    assert.equal(nul.exitCode, 126);
    assert.match(nul.output, /failed to start echo/);
  });

  test("missing cwd is reported, not thrown", async () => {
    const r = await runCommand(["bash", "-c", "true"], { ...base, cwd: join(dir, "nope") });
    assert.notEqual(r.exitCode, 0);
    assert.match(r.output, /working directory does not exist/);
  });

  test("exit by signal → 128 + signo", async () => {
    const r = await runCommand(["bash", "-c", "kill -TERM $$"], base);
    assert.equal(r.exitCode, 143);
  });

  test("timeout → 124, message, whole group killed", async () => {
    const pidFile = join(dir, "timeout.pid");
    const started = Date.now();
    const r = await runCommand(["bash", "-c", `sleep 30 & echo $! > ${pidFile}; echo started; wait`], {
      ...base,
      timeoutMs: 300,
    });
    assert.ok(Date.now() - started < 3000);
    assert.equal(r.exitCode, 124);
    assert.equal(r.timedOut, true);
    assert.match(r.output, /^command timed out after 300 ms\n/);
    assert.match(r.output, /started/);
    const pid = Number(readFileSync(pidFile, "utf8"));
    assert.ok(await waitDead(pid), "child sleep survived the timeout");
  });

  test("SIGTERM-ignoring group is SIGKILLed after the grace", async () => {
    const r = await runCommand(["bash", "-c", "trap '' TERM; sleep 30"], {
      ...base,
      timeoutMs: 200,
      killGraceMs: 200,
    });
    assert.equal(r.exitCode, 124);
    assert.ok(r.durationMs < 3000);
  });

  test("abort signal kills the group", async () => {
    const pidFile = join(dir, "abort.pid");
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await runCommand(["bash", "-c", `sleep 30 & echo $! > ${pidFile}; wait`], {
      ...base,
      signal: ac.signal,
    });
    assert.equal(r.aborted, true);
    assert.equal(r.timedOut, false);
    assert.notEqual(r.exitCode, 0);
    assert.ok(r.durationMs < 3000);
    assert.ok(await waitDead(Number(readFileSync(pidFile, "utf8"))));
    const pre = await runCommand(["bash", "-c", "echo never"], { ...base, signal: AbortSignal.abort() });
    assert.equal(pre.aborted, true);
    assert.doesNotMatch(pre.output, /never/);
  });

  test("background child holding stdout does not hang", async () => {
    const started = Date.now();
    const r = await runCommand(["bash", "-lc", "sleep 100 & echo hi"], base);
    assert.ok(Date.now() - started < 3000, "waited for the background child");
    assert.equal(r.exitCode, 0);
    assert.match(r.output, /hi\n$/);
  });

  test("huge output is capped while streaming and cut for the model", async () => {
    const total = 50_000_000;
    const r = await runCommand(["bash", "-c", `yes | head -c ${total}`], base);
    assert.equal(r.exitCode, 0);
    const cap = 1024 * 1024;
    assert.equal(r.truncatedBytes, total - cap);
    assert.equal(r.totalLines, total / 2);
    assert.ok(r.output.length < cap + 100, `kept ${r.output.length} chars`);
    assert.match(r.output, new RegExp(`…${total - cap} bytes truncated…`));
    const text = formatShellOutput(r);
    assert.ok(text.length < MODEL_OUTPUT_LIMIT_CHARS + 200);
    assert.match(
      text,
      /^Exit code: 0\nWall time: \d+\.\d seconds\nTotal output lines: 25000000\nOutput:\ny\ny\n/,
    );
    assert.match(text, /…\d+ chars truncated…/);
    assert.match(text, /y\ny\n$/);
  });
});

describe("OutputCapture", () => {
  test("keeps head and rolling tail on character boundaries", () => {
    const c = new OutputCapture(10);
    c.push("ab€cd"); // 7 bytes, all in head up to 5 bytes: "ab€" (5) then "cd" to tail
    c.push("éééé\n"); // 9 bytes
    const text = c.text();
    assert.ok(text.startsWith("ab€"));
    assert.ok(text.endsWith("éé\n"));
    assert.ok(!text.includes("\ufffd"));
    assert.equal(c.totalLines, 1);
    assert.equal(
      Buffer.byteLength("ab€cdéééé\n") - c.dropped,
      Buffer.byteLength(text.replace(/\n….*…\n/, "")),
    );
  });
});
