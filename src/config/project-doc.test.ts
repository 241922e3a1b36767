import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { findGitRoot, loadProjectDocs, PROJECT_DOC_SEPARATOR } from "./project-doc.ts";

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A temp dir with `files` (relative path → content; a trailing `/` makes a directory). */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cl-doc-"));
  temps.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    if (rel.endsWith("/")) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, content);
    }
  }
  return dir;
}

describe("loadProjectDocs", () => {
  test("global doc, then project docs from the git root down to cwd", () => {
    const d = tree({
      "home/AGENTS.md": "global\n",
      "outside/AGENTS.md": "above the repo",
      "outside/repo/.git/": "",
      "outside/repo/AGENTS.md": "root doc\n",
      "outside/repo/pkg/AGENTS.md": "pkg doc",
      "outside/repo/pkg/sub/README.md": "",
    });
    const cwd = join(d, "outside/repo/pkg/sub");
    const r = loadProjectDocs(cwd, { maxBytes: 32768, codexHome: join(d, "home") });
    assert.equal(r.text, `global${PROJECT_DOC_SEPARATOR}root doc\n\npkg doc`);
    assert.deepEqual(r.files, [
      join(d, "home/AGENTS.md"),
      join(d, "outside/repo/AGENTS.md"),
      join(d, "outside/repo/pkg/AGENTS.md"),
    ]);
    assert.equal(findGitRoot(cwd), join(d, "outside/repo"));
  });

  test("AGENTS.override.md wins in a directory and for the global doc; an empty global override falls back", () => {
    const d = tree({
      "home/AGENTS.override.md": "global override",
      "home/AGENTS.md": "global",
      "repo/.git": "gitdir: elsewhere\n",
      "repo/AGENTS.override.md": "repo override",
      "repo/AGENTS.md": "repo",
    });
    const r = loadProjectDocs(join(d, "repo"), { maxBytes: 1000, codexHome: join(d, "home") });
    assert.equal(r.text, `global override${PROJECT_DOC_SEPARATOR}repo override`);
    writeFileSync(join(d, "home/AGENTS.override.md"), "  \n");
    assert.equal(
      loadProjectDocs(join(d, "repo"), { maxBytes: 0, codexHome: join(d, "home") }).text,
      "global",
    );
  });

  test("fallback filenames in order; empty files are skipped without trying the next name", () => {
    const d = tree({
      "repo/.git/": "",
      "repo/CLAUDE.md": "claude",
      "repo/GEMINI.md": "gemini",
      "repo/a/GEMINI.md": "a-gemini",
      "repo/a/b/AGENTS.md": "",
      "repo/a/b/CLAUDE.md": "ignored",
    });
    const r = loadProjectDocs(join(d, "repo/a/b"), {
      maxBytes: 1000,
      fallbackFilenames: ["CLAUDE.md", "GEMINI.md"],
    });
    assert.equal(r.text, "claude\n\na-gemini");
    assert.deepEqual(r.files, [join(d, "repo/CLAUDE.md"), join(d, "repo/a/GEMINI.md")]);
  });

  test("project docs are capped at maxBytes (UTF-8 safe); 0 disables them", () => {
    const d = tree({
      "home/AGENTS.md": "g",
      "repo/.git/": "",
      "repo/AGENTS.md": "12345",
      "repo/x/AGENTS.md": "é-later",
    });
    const cwd = join(d, "repo/x");
    assert.equal(loadProjectDocs(cwd, { maxBytes: 3 }).text, "123");
    assert.equal(loadProjectDocs(cwd, { maxBytes: 6 }).text, "12345");
    assert.equal(loadProjectDocs(cwd, { maxBytes: 7 }).text, "12345\n\né");
    assert.deepEqual(loadProjectDocs(cwd, { maxBytes: 5 }).files, [join(d, "repo/AGENTS.md")]);
    const none = loadProjectDocs(cwd, { maxBytes: 0, codexHome: join(d, "home") });
    assert.deepEqual(none, { text: "g", files: [join(d, "home/AGENTS.md")] });
  });

  test("without a git root only cwd is searched", () => {
    const d = tree({ "parent/AGENTS.md": "parent", "parent/child/AGENTS.md": "child" });
    if (findGitRoot(d) !== undefined) return; // the temp dir itself lives in a repository; nothing to test
    const r = loadProjectDocs(join(d, "parent/child"), { maxBytes: 1000 });
    assert.deepEqual(r, { text: "child", files: [join(d, "parent/child/AGENTS.md")] });
    assert.deepEqual(loadProjectDocs(join(d, "parent/child/missing"), { maxBytes: 1000 }), {
      text: "",
      files: [],
    });
  });
});
