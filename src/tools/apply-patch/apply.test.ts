import assert from "node:assert/strict";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { applyPatch } from "./apply.ts";
import { PatchError } from "./parser.ts";
import { nodePatchFs } from "./paths.ts";

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch\n`;

let base: string;
let ws: string;
let outside: string;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), "apply-patch-test-"));
  ws = path.join(base, "ws");
  outside = path.join(base, "outside");
  await fs.mkdir(ws);
  await fs.mkdir(outside);
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const apply = (body: string) => applyPatch(wrap(body), { cwd: ws, writableRoots: [ws] });
const read = (rel: string) => fs.readFile(path.join(ws, rel), "utf8");
const write = async (rel: string, text: string) => {
  await fs.mkdir(path.dirname(path.join(ws, rel)), { recursive: true });
  await fs.writeFile(path.join(ws, rel), text);
};
const exists = (p: string) =>
  fs.lstat(p).then(
    () => true,
    () => false,
  );

async function applyError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PatchError, `expected PatchError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("expected the patch to be rejected");
}

describe("applyPatch: edits", () => {
  test("adds a file, creating parent directories", async () => {
    const result = await apply("*** Add File: a/b/new.txt\n+hello\n+world");
    assert.equal(await read("a/b/new.txt"), "hello\nworld\n");
    assert.equal(result.output, "Success. Updated the following files:\nA a/b/new.txt");
    assert.deepEqual(result.changes, [{ path: "a/b/new.txt", kind: "add" }]);
  });

  test("an added file replaces an existing one", async () => {
    await write("f.txt", "old\n");
    await apply("*** Add File: f.txt\n+new");
    assert.equal(await read("f.txt"), "new\n");
  });

  test("deletes a file", async () => {
    await write("gone.txt", "x\n");
    const result = await apply("*** Delete File: gone.txt");
    assert.equal(await exists(path.join(ws, "gone.txt")), false);
    assert.equal(result.output, "Success. Updated the following files:\nD gone.txt");
  });

  test("updates a file with several chunks; output lists files in patch order", async () => {
    await write("f.txt", "a\nb\nc\nd\ne\nf\ng\n");
    await write("z.txt", "z\n");
    const result = await apply(
      "*** Delete File: z.txt\n*** Update File: f.txt\n@@\n a\n-b\n+B\n c\n@@\n e\n-f\n+F1\n+F2\n g\n*** Add File: n.txt\n+n",
    );
    assert.equal(await read("f.txt"), "a\nB\nc\nd\ne\nF1\nF2\ng\n");
    assert.equal(result.output, "Success. Updated the following files:\nD z.txt\nM f.txt\nA n.txt");
  });

  test("@@ context lines select which occurrence is changed", async () => {
    await write(
      "f.py",
      "class A:\n    def run(self):\n        pass\nclass B:\n    def run(self):\n        pass\n",
    );
    await apply(
      "*** Update File: f.py\n@@ class B:\n@@     def run(self):\n-        pass\n+        return 1",
    );
    assert.equal(
      await read("f.py"),
      "class A:\n    def run(self):\n        pass\nclass B:\n    def run(self):\n        return 1\n",
    );
  });

  test("moves a file: new path written, old path removed; M line names the destination", async () => {
    await write("src/old.txt", "one\ntwo\n");
    const result = await apply(
      "*** Update File: src/old.txt\n*** Move to: dst/new.txt\n@@\n one\n-two\n+TWO",
    );
    assert.equal(await read("dst/new.txt"), "one\nTWO\n");
    assert.equal(await exists(path.join(ws, "src/old.txt")), false);
    assert.equal(result.output, "Success. Updated the following files:\nM dst/new.txt");
    assert.deepEqual(result.changes, [{ path: "src/old.txt", kind: "update", move_path: "dst/new.txt" }]);
  });

  test("*** End of File anchors the chunk at the end of the file", async () => {
    await write("f.txt", "x\nend\nx\nend\n");
    await apply("*** Update File: f.txt\n@@\n x\n-end\n+END\n*** End of File");
    assert.equal(await read("f.txt"), "x\nend\nx\nEND\n");
  });

  test("a chunk with only added lines is appended at the end of the file", async () => {
    await write("f.txt", "a\nb\n");
    await apply("*** Update File: f.txt\n@@\n+c\n+d");
    assert.equal(await read("f.txt"), "a\nb\nc\nd\n");
  });

  test("matches despite trailing whitespace and indentation differences", async () => {
    await write("f.txt", "keep\nfoo   \n  bar\t\nkeep\n");
    await apply("*** Update File: f.txt\n@@\n keep\n-foo\n-bar\n+baz");
    assert.equal(await read("f.txt"), "keep\nbaz\nkeep\n");
  });

  test("matches despite typographic punctuation in the file", async () => {
    await write("f.txt", "x = \u201Cquoted\u201D \u2014 it\u2019s\u00A0fine\n");
    await apply(`*** Update File: f.txt\n@@\n-x = "quoted" - it's fine\n+x = 1`);
    assert.equal(await read("f.txt"), "x = 1\n");
  });

  test("a stray trailing empty line in a chunk is ignored when it does not match", async () => {
    await write("f.txt", "a\nb\n");
    await apply("*** Update File: f.txt\n@@\n-b\n+c\n");
    assert.equal(await read("f.txt"), "a\nc\n");
  });

  test("the result always ends with a newline; CRLF files stay CRLF", async () => {
    await write("lf.txt", "a\nb");
    await write("crlf.txt", "a\r\nb\r\nc\r\n");
    await apply("*** Update File: lf.txt\n@@\n-b\n+B\n*** Update File: crlf.txt\n@@\n a\n-b\n+B");
    assert.equal(await read("lf.txt"), "a\nB\n");
    assert.equal(await read("crlf.txt"), "a\r\nB\r\nc\r\n");
  });

  test("later hunks see earlier hunks of the same patch", async () => {
    await apply("*** Add File: f.txt\n+one\n*** Update File: f.txt\n@@\n-one\n+two");
    assert.equal(await read("f.txt"), "two\n");
  });

  test("a patch with no hunks is an error", async () => {
    assert.equal(
      await applyError(applyPatch("*** Begin Patch\n*** End Patch", { cwd: ws, writableRoots: [ws] })),
      "No files were modified.",
    );
  });
});

describe("applyPatch: failures leave files untouched", () => {
  test("lines that do not match name the file and the lines; earlier hunks are not written", async () => {
    await write("a.txt", "a\n");
    await write("b.txt", "b\n");
    await write("d.txt", "d\n");
    const message = await applyError(
      apply(
        "*** Update File: a.txt\n@@\n-a\n+A\n*** Delete File: d.txt\n*** Add File: c.txt\n+c\n*** Update File: b.txt\n@@\n-nope\n-nada\n+x",
      ),
    );
    assert.equal(message, "Failed to find expected lines in b.txt:\nnope\nnada");
    assert.equal(await read("a.txt"), "a\n");
    assert.equal(await read("b.txt"), "b\n");
    assert.equal(await read("d.txt"), "d\n");
    assert.equal(await exists(path.join(ws, "c.txt")), false);
  });

  test("missing @@ context", async () => {
    await write("f.txt", "a\n");
    assert.equal(
      await applyError(apply("*** Update File: f.txt\n@@ def missing():\n-a\n+b")),
      "Failed to find context 'def missing():' in f.txt",
    );
  });

  test("updating a missing file", async () => {
    assert.equal(
      await applyError(apply("*** Update File: nope.txt\n@@\n-a\n+b")),
      "Failed to read file to update nope.txt: No such file or directory",
    );
  });

  test("deleting a missing file or a directory", async () => {
    assert.equal(
      await applyError(apply("*** Delete File: nope.txt")),
      "Failed to delete file nope.txt: No such file or directory",
    );
    await fs.mkdir(path.join(ws, "dir"));
    assert.equal(
      await applyError(apply("*** Delete File: dir")),
      "Failed to delete file dir: Is a directory",
    );
  });

  test("a write failing mid-way restores files already written", async () => {
    await write("a.txt", "a\n");
    const failing = { ...nodePatchFs };
    failing.writeFile = async (p, data) => {
      if (p.endsWith("b.txt")) throw Object.assign(new Error("disk full"), { code: "ENOSPC" });
      return nodePatchFs.writeFile(p, data);
    };
    const message = await applyError(
      applyPatch(
        wrap("*** Update File: a.txt\n@@\n-a\n+A\n*** Add File: new.txt\n+n\n*** Add File: b.txt\n+b"),
        {
          cwd: ws,
          writableRoots: [ws],
          fs: failing,
        },
      ),
    );
    assert.equal(message, "Failed to write file b.txt: No space left on device");
    assert.equal(await read("a.txt"), "a\n");
    assert.equal(await exists(path.join(ws, "new.txt")), false);
  });
});

describe("applyPatch: writable roots", () => {
  test("../ escaping the workspace is refused and nothing is written", async () => {
    const message = await applyError(
      apply("*** Add File: ok.txt\n+ok\n*** Add File: ../outside/evil.txt\n+x"),
    );
    assert.match(message, /^patch rejected: \.\.\/outside\/evil\.txt is outside the writable roots \(/);
    assert.match(message, /write only inside the workspace$/);
    assert.equal(await exists(path.join(outside, "evil.txt")), false);
    assert.equal(await exists(path.join(ws, "ok.txt")), false);
  });

  test("absolute paths are allowed inside the roots and refused outside", async () => {
    await apply(`*** Add File: ${path.join(ws, "abs.txt")}\n+in`);
    assert.equal(await read("abs.txt"), "in\n");
    await fs.writeFile(path.join(outside, "t.txt"), "t\n");
    const message = await applyError(apply(`*** Delete File: ${path.join(outside, "t.txt")}`));
    assert.match(message, /is outside the writable roots/);
    assert.equal(await exists(path.join(outside, "t.txt")), true);
  });

  test("a symlinked directory inside the workspace pointing outside is refused", async () => {
    await fs.symlink(outside, path.join(ws, "link"));
    const message = await applyError(apply("*** Add File: link/sub/evil.txt\n+x"));
    assert.match(message, /^patch rejected: link\/sub\/evil\.txt resolves to .*outside.*, which is outside/);
    assert.equal(await exists(path.join(outside, "sub")), false);
  });

  test("a symlinked file pointing outside cannot be updated or deleted", async () => {
    await fs.writeFile(path.join(outside, "secret.txt"), "s\n");
    await fs.symlink(path.join(outside, "secret.txt"), path.join(ws, "secret.txt"));
    assert.match(
      await applyError(apply("*** Update File: secret.txt\n@@\n-s\n+x")),
      /outside the writable roots/,
    );
    assert.match(await applyError(apply("*** Delete File: secret.txt")), /outside the writable roots/);
    assert.equal(await fs.readFile(path.join(outside, "secret.txt"), "utf8"), "s\n");
  });

  test("a dangling symlink is refused", async () => {
    await fs.symlink(path.join(outside, "not-yet.txt"), path.join(ws, "dangling"));
    assert.match(
      await applyError(apply("*** Add File: dangling\n+x")),
      /^patch rejected: dangling goes through/,
    );
    assert.equal(await exists(path.join(outside, "not-yet.txt")), false);
  });

  test("a move target outside the roots is refused and the source kept", async () => {
    await write("src.txt", "a\n");
    const message = await applyError(
      apply("*** Update File: src.txt\n*** Move to: ../outside/dst.txt\n@@\n-a\n+b"),
    );
    assert.match(message, /^patch rejected: \.\.\/outside\/dst\.txt is outside the writable roots/);
    assert.equal(await read("src.txt"), "a\n");
    assert.equal(await exists(path.join(outside, "dst.txt")), false);
  });

  test("a symlink to a file inside the workspace is edited through; deleting removes only the link", async () => {
    await write("real.txt", "a\n");
    await fs.symlink(path.join(ws, "real.txt"), path.join(ws, "alias.txt"));
    await apply("*** Update File: alias.txt\n@@\n-a\n+b");
    assert.equal(await read("real.txt"), "b\n");
    await apply("*** Delete File: alias.txt");
    assert.equal(await exists(path.join(ws, "alias.txt")), false);
    assert.equal(await read("real.txt"), "b\n");
  });

  test("with no writable roots (read-only sandbox) nothing may be written", async () => {
    const message = await applyError(
      applyPatch(wrap("*** Add File: a.txt\n+a"), { cwd: ws, writableRoots: [] }),
    );
    assert.equal(
      message,
      "patch rejected: the sandbox is read-only (sandbox_mode = read-only), so no file can be written, " +
        "a.txt included; describe the change instead (the user can rerun with --sandbox workspace-write)",
    );
  });

  test("read-only paths inside a root are refused, through symlinks too", async () => {
    await fs.mkdir(path.join(ws, ".git"));
    await fs.writeFile(path.join(ws, ".git", "config"), "x\n");
    await fs.symlink(path.join(ws, ".git"), path.join(ws, "meta"));
    const opts = { cwd: ws, writableRoots: [ws], readOnlyPaths: [path.join(ws, ".git")] };
    for (const target of [".git/config", ".git/hooks/pre-commit", "meta/config"]) {
      const message = await applyError(applyPatch(wrap(`*** Add File: ${target}\n+a`), opts));
      assert.match(
        message,
        new RegExp(`^patch rejected: ${target} .*inside ${ws}/\\.git, which stays read-only`),
      );
    }
    assert.equal(await read(".git/config"), "x\n");
    await apply("*** Add File: gitless.txt\n+ok");
    assert.equal(await read("gitless.txt"), "ok\n");
  });
});

describe("the entry itself must be writable, not only what it points to", () => {
  test("delete, move and add through a link outside the roots that points inside are refused", async () => {
    await write("target.txt", "a\n");
    await fs.symlink(path.join(ws, "target.txt"), path.join(outside, "link"));
    await fs.symlink(path.join(ws, "target.txt"), path.join(outside, "link2"));
    for (const body of [
      "*** Delete File: ../outside/link",
      "*** Update File: ../outside/link\n*** Move to: moved.txt\n@@\n-a\n+b",
      "*** Update File: target.txt\n*** Move to: ../outside/link2\n@@\n-a\n+b",
      "*** Add File: ../outside/link\n+b",
      `*** Delete File: ${path.join(outside, "link")}`,
    ]) {
      const message = await applyError(apply(body));
      assert.match(message, /^patch rejected: .*outside\/link2? .*outside the writable roots/, body);
    }
    assert.ok(await exists(path.join(outside, "link")));
    assert.ok(await exists(path.join(outside, "link2")));
    assert.equal(await read("target.txt"), "a\n");
    assert.equal(await exists(path.join(ws, "moved.txt")), false);
  });

  test("a directory link outside the roots pointing inside: the entry's parent resolves inside, so it is allowed", async () => {
    await write("sub/f.txt", "a\n");
    await fs.symlink(path.join(ws, "sub"), path.join(outside, "dirlink"));
    await apply("*** Delete File: ../outside/dirlink/f.txt");
    assert.equal(await exists(path.join(ws, "sub", "f.txt")), false);
  });
});
