import assert from "node:assert/strict";
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse as parseToml } from "smol-toml";
import { parseDotEnvLine } from "./env.ts";
import { ConfigError } from "./types.ts";
import {
  editProfileText,
  editTableText,
  saveDotEnvValues,
  saveProjectTrust,
  saveRootKeys,
  setDotEnvText,
} from "./writer.ts";

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

test("root keys: replaced in place, added before the first header, removed; the rest byte for byte", () => {
  assert.equal(
    editTableText(EXISTING, [], { model: "m2" }),
    EXISTING.replace('model = "gpt-5.4"   #', 'model = "m2"   #'),
  );
  assert.equal(
    editTableText(EXISTING, [], { model_reasoning_effort: "low" }),
    EXISTING.replace(
      "unknown_key = { keep = true }\n",
      'unknown_key = { keep = true }\nmodel_reasoning_effort = "low"\n',
    ),
  );
  assert.equal(editTableText("", [], { model: "m" }), 'model = "m"\n');
  assert.equal(
    editTableText('[projects."/p"]\ntrust_level = "trusted"\n', [], { model: "m" }).split("\n")[0],
    'model = "m"',
  );
  assert.equal(editTableText('model = "x"\nother = 1\n', [], { model: undefined }), "other = 1\n");
});

test("saveRootKeys writes the file (0600 when new) and keeps the mode of an existing one", () => {
  const dir = mkdtempSync(join(tmpdir(), "writer-"));
  try {
    const path = join(dir, "home", "codex-litellm.config.toml");
    saveRootKeys(path, { model: "m" });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    writeFileSync(path, EXISTING);
    chmodSync(path, 0o644);
    saveRootKeys(path, { model: "n" });
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.match(readFileSync(path, "utf8"), /^# my settings/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trust: appends a [projects."<path>"] table and keeps everything else byte for byte', () => {
  const out = editTableText(EXISTING, ["projects", "/home/me/my.repo"], { trust_level: "trusted" });
  assert.equal(out, `${EXISTING}\n[projects."/home/me/my.repo"]\ntrust_level = "trusted"\n`);
  const parsed = parseToml(out) as any;
  assert.equal(parsed.projects["/home/me/my.repo"].trust_level, "trusted");
  assert.equal(parsed.profiles["codex-litellm"].custom, 1);
  // No trailing newline, CRLF line ends.
  assert.equal(
    editTableText('model = "x"\r\n# end', ["projects", "/p"], { trust_level: "untrusted" }),
    'model = "x"\r\n# end\r\n\r\n[projects."/p"]\r\ntrust_level = "untrusted"\r\n',
  );
});

test("trust: changes the decision in an existing table, whatever its quoting, next to other projects", () => {
  const text =
    '# projects\n[projects.\'/a/b\']\ntrust_level = "trusted" # mine\nnote = 1\n\n[projects."/c"]\ntrust_level = "trusted"\n';
  assert.equal(
    editTableText(text, ["projects", "/a/b"], { trust_level: "untrusted" }),
    text.replace('trust_level = "trusted" # mine', 'trust_level = "untrusted" # mine'),
  );
  const spaced = '[ projects . "/c" ]\nother = true\n';
  assert.equal(
    editTableText(spaced, ["projects", "/c"], { trust_level: "trusted" }),
    '[ projects . "/c" ]\nother = true\ntrust_level = "trusted"\n',
  );
  // A path with quotes and backslashes round-trips through the basic-string header.
  const odd = 'C:\\dir "x"';
  const out = editTableText("", ["projects", odd], { trust_level: "trusted" });
  assert.equal((parseToml(out) as any).projects[odd].trust_level, "trusted");
  assert.equal(editTableText(out, ["projects", odd], { trust_level: "trusted" }), out);
});

test("trust: refuses projects written as inline tables or dotted keys, and invalid TOML names the line", () => {
  assert.throws(
    () =>
      editTableText('projects = { "/p" = { trust_level = "trusted" } }\n', ["projects", "/p"], {
        trust_level: "untrusted",
      }),
    /written in a form this editor does not change/,
  );
  // An inline `projects` table cannot take a new [projects."/q"] table: the check refuses the edit.
  assert.throws(
    () =>
      editTableText('projects = { "/p" = { trust_level = "trusted" } }\n', ["projects", "/q"], {
        trust_level: "trusted",
      }),
    /could not update projects\."\/q" in config\.toml safely/,
  );
  assert.throws(
    () =>
      editTableText("a = 1\n[projects\n", ["projects", "/p"], { trust_level: "trusted" }, "/h/config.toml"),
    /^ConfigError: \/h\/config\.toml:2:\d+: invalid TOML/,
  );
});

test("saveProjectTrust writes atomically and keeps comments", () => {
  const dir = mkdtempSync(join(tmpdir(), "writer-"));
  try {
    const path = join(dir, "config.toml");
    saveProjectTrust(path, "/w/repo", "untrusted");
    assert.equal(readFileSync(path, "utf8"), '[projects."/w/repo"]\ntrust_level = "untrusted"\n');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    writeFileSync(path, EXISTING);
    saveProjectTrust(path, "/w/repo", "trusted");
    assert.equal(readFileSync(path, "utf8"), `${EXISTING}\n[projects."/w/repo"]\ntrust_level = "trusted"\n`);
    assert.deepEqual(readdirSync(dir), ["config.toml"], "no temporary file is left behind");

    // A config.toml that is a symlink stays one; the file it points to gets the edit.
    const real = join(dir, "dotfiles-config.toml");
    const link = join(dir, "linked.toml");
    writeFileSync(real, "# mine\n");
    symlinkSync(real, link);
    saveProjectTrust(link, "/w/x\u007fy", "trusted");
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(
      readFileSync(real, "utf8"),
      '# mine\n\n[projects."/w/x\\u007Fy"]\ntrust_level = "trusted"\n',
    );
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
