import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { findExecutable } from "../sandbox/detect.ts";
import { isKnownSafeCommand } from "./safe-commands.ts";
import { parseSimpleScript } from "./shell-words.ts";

const sh = (script: string) => ["bash", "-lc", script];

const base = realpathSync(mkdtempSync(join(tmpdir(), "safe-commands-")));
const ws = join(base, "ws");
const home = join(base, "codex-home");
for (const d of [join(ws, "src"), home]) mkdirSync(d, { recursive: true });
writeFileSync(join(ws, "src", "a.ts"), "a\n");
writeFileSync(join(ws, "src", "b.ts"), "b\n");
writeFileSync(join(home, ".env"), "LITELLM_API_KEY=sk\n");
symlinkSync(join(home, ".env"), join(ws, "env-link"));
symlinkSync("/proc", join(ws, "proc-link"));
after(() => rmSync(base, { recursive: true, force: true }));

const hiddenPaths = [join(home, ".env"), join(home, "auth.json")];
/** Without a sandbox: what exec runs unasked. */
const bare = { cwd: ws, sandboxed: false, hiddenPaths, writableRoots: [ws] };
const inSandbox = { ...bare, sandboxed: true };

describe("isKnownSafeCommand", () => {
  test("benign read-only commands pass, as argv or as simple scripts, with or without a sandbox", () => {
    for (const command of [
      ["ls", "-la"],
      ["ls", "--all", "-1", "src"],
      ["cat", "src/a.ts"],
      ["cat", "-n", "--", "src/a.ts", "src/b.ts"],
      ["rg", "-n", "TODO", "src"],
      ["rg", "--files", "src"],
      ["rg", "-i", "-g", "*.ts", "--max-count=3", "x"],
      ["grep", "-rn", "x", "."],
      ["grep", "-e", "a", "-e", "b", "src/a.ts"],
      ["grep", "--include=*.ts", "-r", "x", "src"],
      ["sed", "-n", "10,40p", "src/a.ts"],
      ["head", "-n", "5", "src/a.ts"],
      ["head", "-5", "src/a.ts"],
      ["tail", "-n", "+3", "src/a.ts"],
      ["wc", "-l", "src/a.ts"],
      ["sort", "-u", "-k", "2", "src/a.ts"],
      ["uniq", "-c", "src/a.ts"],
      ["diff", "-u", "src/a.ts", "src/b.ts"],
      ["cut", "-d", ":", "-f", "1", "src/a.ts"],
      ["find", ".", "-name", "*.ts", "-type", "f"],
      ["find", "src", "(", "-name", "*.ts", "-o", "-name", "*.js", ")", "-print"],
      ["cat", "/dev/null"],
      ["echo", "hello", "world"],
      ["pwd"],
      ["/bin/bash", "-c", "pwd"],
      sh("ls -la && pwd"),
      sh("grep -rn foo src | head -20; wc -l src/*.ts"),
      sh("cd src && cat 'a.ts' \"b.ts\""),
      sh("ls # a comment\npwd\n"),
      sh("sed -n '1,$p' src/a.ts"),
    ]) {
      // Without a sandbox the program must be found on PATH (outside the writable roots); rg may be missing.
      if (command[0] !== "rg" || findExecutable("rg", process.env.PATH ?? ""))
        assert.equal(isKnownSafeCommand(command, bare), true, `bare ${JSON.stringify(command)}`);
      assert.equal(isKnownSafeCommand(command, inSandbox), true, `sandboxed ${JSON.stringify(command)}`);
    }
  });

  test("git reads only inside the sandbox; never without one (repository config can run programs)", () => {
    for (const command of [
      ["git", "status"],
      ["git", "--no-pager", "diff", "--stat"],
      ["git", "log", "--oneline", "-5"],
      ["git", "branch", "--show-current"],
      sh("ls && git status --short"),
      sh("cd sub && git status"),
    ]) {
      assert.equal(isKnownSafeCommand(command, inSandbox), true, JSON.stringify(command));
      assert.equal(isKnownSafeCommand(command, bare), false, JSON.stringify(command));
    }
  });

  test("attacks: writes, programs, abbreviations, extra operands, /proc, hidden key files", () => {
    for (const command of [
      // Writes and programs.
      ["touch", "x"],
      ["rm", "-rf", "/"],
      ["./ls"],
      ["/tmp/evil/bash", "-lc", "ls"],
      ["uniq", "src/a.ts", "out.txt"],
      ["uniq", "-c", "src/a.ts", "out.txt"],
      ["sort", "-o", "out", "src/a.ts"],
      ["sort", "--output=out", "src/a.ts"],
      ["sort", "--out=out", "src/a.ts"],
      ["sort", "--compress-prog=sh", "src/a.ts"],
      ["sort", "--compress-program=sh", "src/a.ts"],
      ["sort", "-T", "/tmp", "src/a.ts"],
      ["sort", "--files0-from=list"],
      ["base64", "--output=x", "src/a.ts"],
      ["base64", "src/a.ts", "out"],
      ["wc", "--files0-from=list"],
      ["tail", "-f", "src/a.ts"],
      ["find", ".", "-delete"],
      ["find", ".", "-exec", "rm", "{}", ";"],
      ["find", ".", "-execdir", "sh", "-c", "id", ";"],
      ["find", ".", "-ok", "rm", "{}", ";"],
      ["find", ".", "-fprint", "out"],
      ["find", ".", "-fprintf", "out", "%p"],
      ["find", ".", "-fls", "out"],
      ["find", "-L", "."],
      ["rg", "--pre", "sh", "x"],
      ["rg", "--pre=sh", "x"],
      ["rg", "--pr=sh", "x"],
      ["rg", "-iz", "x"],
      ["rg", "--search-zip", "x"],
      ["rg", "-L", "x"],
      ["rg", "--follow", "x"],
      ["rg", "--hostname-bin=sh", "x"],
      ["grep", "-R", "x", "."],
      ["grep", "--dereference-recursive", "x", "."],
      ["grep", "-d", "recurse", "x", "."],
      ["diff", "-r", "a", "b"],
      ["sed", "-i", "s/a/b/", "f"],
      ["sed", "-n", "s/a/b/w out", "f"],
      ["sed", "-n", "1e id", "f"],
      ["sed", "-n", "1p", "-i", "f"],
      ["awk", 'BEGIN{system("id")}'],
      ["xargs", "rm"],
      ["tee", "out"],
      ["less", "src/a.ts"],
      ["man", "ls"],
      ["env", "sh"],
      ["date", "-s", "2020-01-01"],
      ["tar", "-cf", "out.tar", "src"],
      ["python3", "-c", "print(1)"],
      ["ls", "--color=always", "-w"],
      ["cat", "--show-al", "src/a.ts"],
      ["cd", "-"],
      ["git", "commit", "-m", "x"],
      ["git", "-c", "core.pager=sh", "log"],
      ["git", "-C", "/elsewhere", "status"],
      ["git", "diff", "--output=/tmp/x"],
      ["git", "diff", "--out=/tmp/x"],
      ["git", "log", "--ext-d"],
      ["git", "log", "--textc"],
      ["git", "branch", "new-branch"],
      // The agent's environment and devices.
      ["cat", "/proc/self/environ"],
      ["cat", "/proc/1/environ"],
      ["head", "-c", "100", "/proc/12345/environ"],
      ["grep", "-r", "KEY", "/proc"],
      ["ls", "/proc/1/fd"],
      ["cat", "proc-link/self/environ"],
      ["cat", "/sys/kernel/x"],
      ["cat", "/dev/tcp/127.0.0.1/80"],
      ["find", "/proc", "-name", "environ"],
      sh("cd /proc && cat self/environ"),
      sh("cd / && cat proc/self/environ"),
      sh("cd ../../../.. && cat proc/1/environ"),
      // The hidden key files, directly, through a link, or by a recursive search over their directory.
      ["cat", join(home, ".env")],
      ["cat", "env-link"],
      ["grep", "KEY", join(home, ".env")],
      ["grep", "-r", "KEY", home],
      ["grep", "-r", "KEY", base],
      ["rg", "KEY", home],
      ["rg", "-uu", "KEY", base],
      ["grep", "-f", join(home, ".env"), "src/a.ts"],
      ["diff", join(home, ".env"), "src/a.ts"],
      ["sed", "-n", "1p", join(home, ".env")],
      sh(`cd ${home} && cat .env`),
      sh("cat ~/.codex/.env"),
      sh("cat $CODEX_HOME/.env"),
      // Shell syntax the reader does not model.
      sh("ls > out.txt"),
      sh("cat < /etc/passwd"),
      sh("cat <(id)"),
      sh("echo $(rm -rf x)"),
      sh("echo `id`"),
      sh('echo "$HOME"'),
      sh("ls && rm x"),
      sh("ls &"),
      sh("(ls)"),
      sh("find . -{de,}lete"),
      sh("FOO=1 ls"),
      sh("ls &&"),
      sh("ls | "),
      sh("cat 'unterminated"),
      sh(""),
    ]) {
      for (const ctx of [bare, inSandbox])
        assert.equal(isKnownSafeCommand(command, ctx), false, `${ctx.sandboxed} ${JSON.stringify(command)}`);
    }
  });

  test("globs are expanded before their matches are checked", () => {
    assert.equal(isKnownSafeCommand(sh("cat src/*.ts"), bare), true);
    assert.equal(isKnownSafeCommand(sh("cat /proc/*/environ"), bare), false);
    assert.equal(isKnownSafeCommand(sh("cat /pro?/1/environ"), bare), false);
    assert.equal(isKnownSafeCommand(sh(`cat ${home}/.e*`), bare), false);
    assert.equal(isKnownSafeCommand(sh("cat en*"), bare), false);
    assert.equal(isKnownSafeCommand(sh("cat */a.ts"), bare), false);
  });

  test("without a sandbox, a program found on PATH inside a writable root is not known", () => {
    const bin = join(ws, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "cat"), "#!/bin/sh\nid\n", { mode: 0o755 });
    const path = `${bin}:${process.env.PATH}`;
    assert.equal(isKnownSafeCommand(["cat", "src/a.ts"], { ...bare, path }), false);
    assert.equal(isKnownSafeCommand(["cat", "src/a.ts"], { ...inSandbox, path }), true);
  });
});

describe("parseSimpleScript", () => {
  test("splits on operators and newlines, keeps quoting, marks expanding words", () => {
    assert.deepEqual(parseSimpleScript("a 'b c' && d \"e\" | f *.ts\n\ng\\ h ~"), [
      [
        { value: "a", expands: false },
        { value: "b c", expands: false },
      ],
      [
        { value: "d", expands: false },
        { value: "e", expands: false },
      ],
      [
        { value: "f", expands: false },
        { value: "*.ts", expands: true },
      ],
      [
        { value: "g h", expands: false },
        { value: "~", expands: true },
      ],
    ]);
    assert.equal(parseSimpleScript("a && && b"), null);
    assert.equal(parseSimpleScript("; a"), null);
    assert.equal(parseSimpleScript("a |& b"), null);
  });
});
