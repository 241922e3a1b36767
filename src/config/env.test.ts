import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { codexHome, type Env, loadDotEnv, parseDotEnvLine } from "./env.ts";

const dir = mkdtempSync(join(tmpdir(), "cl-env-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("codexHome", () => {
  test("$CODEX_HOME, else ~/.codex; blank counts as unset", () => {
    assert.equal(codexHome({ CODEX_HOME: "/x/home" }), "/x/home");
    assert.equal(codexHome({ HOME: "/u/me" }), "/u/me/.codex");
    assert.equal(codexHome({ CODEX_HOME: "  ", HOME: "/u/me" }), "/u/me/.codex");
    assert.equal(codexHome({ CODEX_HOME: "rel" }), resolve("rel"));
  });
});

describe("parseDotEnvLine", () => {
  test("forms", () => {
    assert.deepEqual(parseDotEnvLine("A=1"), ["A", "1"]);
    assert.deepEqual(parseDotEnvLine("export  B = two words "), ["B", "two words"]);
    assert.deepEqual(parseDotEnvLine("C=val # trailing comment"), ["C", "val"]);
    assert.deepEqual(parseDotEnvLine("C2=a#b"), ["C2", "a#b"]);
    assert.deepEqual(parseDotEnvLine("D='lit\\n $x'"), ["D", "lit\\n $x"]);
    assert.deepEqual(parseDotEnvLine('E="a\\nb\\u0041 \\"q\\""  # c'), ["E", 'a\nbA "q"']);
    assert.deepEqual(parseDotEnvLine("F="), ["F", ""]);
    assert.deepEqual(parseDotEnvLine("G=x=y"), ["G", "x=y"]);
  });

  test("comments, blanks and malformed lines give undefined", () => {
    for (const line of [
      "",
      "   ",
      "# A=1",
      "no equals",
      "1BAD=x",
      'H="unterminated',
      "I='a' junk",
      'J="\\q"',
    ]) {
      assert.equal(parseDotEnvLine(line), undefined, line);
    }
  });
});

describe("loadDotEnv", () => {
  test("loads values without overriding variables already set", () => {
    const path = join(dir, "a.env");
    writeFileSync(
      path,
      '\uFEFF# gateway\r\nLITELLM_BASE_URL=http://h:4000\r\nexport LITELLM_API_KEY="sk-1"\nSET=file\nEMPTY=file\n' +
        "garbage line\nDUP=1\nDUP=2\n",
    );
    const env: Env = { SET: "shell", EMPTY: "" };
    const set = loadDotEnv(path, env);
    assert.deepEqual(env, {
      SET: "shell",
      EMPTY: "",
      LITELLM_BASE_URL: "http://h:4000",
      LITELLM_API_KEY: "sk-1",
      DUP: "2",
    });
    assert.deepEqual(set.sort(), ["DUP", "LITELLM_API_KEY", "LITELLM_BASE_URL"]);
  });

  test("a missing file is fine", () => {
    const env: Env = {};
    assert.deepEqual(loadDotEnv(join(dir, "nope", ".env"), env), []);
    assert.deepEqual(env, {});
  });
});
