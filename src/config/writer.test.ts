import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseDotEnvLine } from "./env.ts";
import { ConfigError } from "./types.ts";
import { editProfileText, saveDotEnvValues, saveProfileKeys, setDotEnvText } from "./writer.ts";

const EXISTING = `# my settings
model = "gpt-5.4"   # stock codex's default
unknown_key = { keep = true }

[profiles.codex-litellm]
# chosen with /model
model = "old-model"
custom = 1

[model_providers.litellm]
base_url = "http://gw:4000"
`;

test("replaces a key in place and keeps comments, unknown keys and other tables byte for byte", () => {
  const out = editProfileText(EXISTING, "codex-litellm", { model: "new/model" });
  assert.equal(out, EXISTING.replace('model = "old-model"', 'model = "new/model"'));
});

test("adds a missing key after the table's last key, before the blank line", () => {
  const out = editProfileText(EXISTING, "codex-litellm", { model_reasoning_effort: "high" });
  assert.equal(out, EXISTING.replace("custom = 1\n", 'custom = 1\nmodel_reasoning_effort = "high"\n'));
});

test("removes a key when the value is undefined", () => {
  const out = editProfileText(EXISTING, "codex-litellm", { custom: undefined });
  assert.equal(out, EXISTING.replace("custom = 1\n", ""));
});

test("appends the table when the file has none, and creates text for an empty file", () => {
  assert.equal(
    editProfileText('model = "x"\n', "codex-litellm", { model: "m" }),
    'model = "x"\n\n[profiles.codex-litellm]\nmodel = "m"\n',
  );
  assert.equal(
    editProfileText("", "codex-litellm", { model: "m" }),
    '[profiles.codex-litellm]\nmodel = "m"\n',
  );
  assert.equal(editProfileText("", "codex-litellm", { model: undefined }), "");
});

test("quoted table names and values with quotes round-trip", () => {
  const text = "[profiles.\"codex-litellm\"]\nmodel = 'a'\n";
  const out = editProfileText(text, "codex-litellm", { model: 'we"ird\\name' });
  assert.equal(out, '[profiles."codex-litellm"]\nmodel = "we\\"ird\\\\name"\n');
});

test("refuses forms it cannot edit safely", () => {
  assert.throws(
    () => editProfileText('profiles.codex-litellm.model = "x"\n', "codex-litellm", { model: "y" }),
    ConfigError,
  );
  assert.throws(() => editProfileText("[broken", "codex-litellm", { model: "y" }), ConfigError);
  // A multi-line value cannot be replaced line by line.
  assert.throws(
    () => editProfileText('[profiles.codex-litellm]\nmodel = """\nx\n"""\n', "codex-litellm", { model: "y" }),
    ConfigError,
  );
});

test("saveProfileKeys writes the file (0600 when new) and keeps the mode of an existing one", () => {
  const dir = mkdtempSync(join(tmpdir(), "writer-"));
  try {
    const path = join(dir, "home", "config.toml");
    saveProfileKeys(path, "codex-litellm", { model: "m" });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    writeFileSync(path, EXISTING);
    chmodSync(path, 0o644);
    saveProfileKeys(path, "codex-litellm", { model: "n" });
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.match(readFileSync(path, "utf8"), /^# my settings/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(".env: replaces the key's line or appends one; values survive the loader's parser; mode 0600", () => {
  const text = "# gateway\nOTHER=1\nLITELLM_API_KEY=old\n";
  const out = setDotEnvText(text, "LITELLM_API_KEY", 'sk "new" #1');
  assert.equal(out, '# gateway\nOTHER=1\nLITELLM_API_KEY="sk \\"new\\" #1"\n');
  assert.deepEqual(parseDotEnvLine(out.split("\n")[2]), ["LITELLM_API_KEY", 'sk "new" #1']);
  assert.equal(setDotEnvText("", "A", "b"), 'A="b"\n');
  assert.equal(setDotEnvText("X=1", "A", "b"), 'X=1\nA="b"\n');

  const dir = mkdtempSync(join(tmpdir(), "writer-"));
  try {
    const path = join(dir, ".env");
    writeFileSync(path, "X=1\n", { mode: 0o644 });
    saveDotEnvValues(path, { LITELLM_BASE_URL: "http://gw/v1", LITELLM_API_KEY: "k" });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, "utf8"), 'X=1\nLITELLM_BASE_URL="http://gw/v1"\nLITELLM_API_KEY="k"\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
