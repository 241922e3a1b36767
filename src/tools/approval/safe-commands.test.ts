import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isKnownSafeCommand } from "./safe-commands.ts";
import { parseSimpleScript } from "./shell-words.ts";

const sh = (script: string) => ["bash", "-lc", script];

describe("isKnownSafeCommand", () => {
  test("read-only commands, as argv or as simple scripts", () => {
    for (const command of [
      ["ls", "-la"],
      ["cat", "src/a.ts"],
      ["rg", "-n", "TODO", "src"],
      ["grep", "-rn", "x", "."],
      ["sed", "-n", "10,40p", "src/a.ts"],
      ["head", "-n", "5", "a"],
      ["git", "status"],
      ["git", "--no-pager", "diff", "--stat"],
      ["git", "log", "--oneline", "-5"],
      ["git", "branch", "--show-current"],
      ["find", ".", "-name", "*.ts", "-type", "f"],
      ["/bin/bash", "-c", "pwd"],
      sh("ls -la && git status"),
      sh("rg foo src | head -20; wc -l src/*.ts"),
      sh("cd src && cat 'a file.ts' \"b.ts\""),
      sh("ls # a comment\npwd\n"),
      sh("git log &&\n  git status"),
      sh("sed -n '1,$p' a.txt"),
    ]) {
      assert.equal(isKnownSafeCommand(command), true, JSON.stringify(command));
    }
  });

  test("anything that can write, run programs or is not understood needs approval", () => {
    for (const command of [
      ["touch", "x"],
      ["rm", "-rf", "/"],
      ["./ls"],
      ["/tmp/evil/bash", "-lc", "ls"],
      ["find", ".", "-delete"],
      ["find", ".", "-exec", "rm", "{}", ";"],
      ["rg", "--pre", "sh", "x"],
      ["rg", "-iz", "x"],
      ["sort", "-o", "out", "in"],
      ["base64", "--output=x", "in"],
      ["sed", "-i", "s/a/b/", "f"],
      ["sed", "-n", "s/a/b/w out", "f"],
      ["git", "commit", "-m", "x"],
      ["git", "-c", "core.pager=sh", "log"],
      ["git", "diff", "--output=/tmp/x"],
      ["git", "branch", "new-branch"],
      ["python3", "-c", "print(1)"],
      sh("ls > out.txt"),
      sh("cat < /etc/passwd"),
      sh("echo $(rm -rf x)"),
      sh("echo `id`"),
      sh('echo "$HOME"'),
      sh("ls && rm x"),
      sh("ls &"),
      sh("(ls)"),
      sh("find . *"),
      sh("find . -{de,}lete"),
      sh("FOO=1 ls"),
      sh("ls &&"),
      sh("ls | "),
      sh("cat 'unterminated"),
      sh(""),
    ]) {
      assert.equal(isKnownSafeCommand(command), false, JSON.stringify(command));
    }
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
