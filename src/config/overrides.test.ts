import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { applyOverride, parseOverride, splitDottedKey, type TomlTable } from "./overrides.ts";
import { ConfigError } from "./types.ts";

describe("parseOverride", () => {
  test("bare words become strings; TOML literals keep their type", () => {
    assert.deepEqual(parseOverride("model=o3"), { key: "model", path: ["model"], value: "o3" });
    assert.equal(parseOverride("a=true").value, true);
    assert.equal(parseOverride("a=false").value, false);
    assert.equal(parseOverride("a=42").value, 42);
    assert.equal(parseOverride("a=1.5").value, 1.5);
    assert.equal(parseOverride("a=gpt-4.1-mini").value, "gpt-4.1-mini");
  });

  test("arrays and inline tables", () => {
    assert.deepEqual(parseOverride('shell_environment_policy.include_only=["PATH","HOME"]').value, [
      "PATH",
      "HOME",
    ]);
    assert.deepEqual(parseOverride("a={x=1,y=2}").value, { x: 1, y: 2 });
    // JSON objects are not TOML and stay strings.
    assert.equal(parseOverride('a={"x":1}').value, '{"x":1}');
  });

  test("quoted values and quote stripping", () => {
    assert.equal(parseOverride('model="o3"').value, "o3");
    assert.equal(parseOverride("model='o3'").value, "o3");
    // Not valid TOML (unbalanced), so the string form with quotes stripped is used.
    assert.equal(parseOverride('model="o3').value, "o3");
    assert.equal(parseOverride("model=").value, "");
  });

  test("splits on the first '=' and trims both sides", () => {
    const o = parseOverride("  base_url =  http://h:4000/?a=b  ");
    assert.equal(o.key, "base_url");
    assert.equal(o.value, "http://h:4000/?a=b");
  });

  test("a value with a newline cannot smuggle in extra keys", () => {
    assert.equal(parseOverride("a=1\nb=2").value, "1\nb=2");
  });

  test("missing '=' and empty key are errors", () => {
    assert.throws(() => parseOverride("model"), {
      name: "ConfigError",
      message: "Invalid override (missing '='): model",
    });
    assert.throws(
      () => parseOverride(" =x"),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.message, "Empty key in override:  =x");
        return true;
      },
    );
    assert.throws(() => parseOverride("a..b=1"), /Invalid key in override/);
  });
});

describe("splitDottedKey", () => {
  test("respects quoted segments", () => {
    assert.deepEqual(splitDottedKey('profiles."codex-litellm".model'), [
      "profiles",
      "codex-litellm",
      "model",
    ]);
    assert.deepEqual(splitDottedKey("a.'b.c'.d"), ["a", "b.c", "d"]);
    assert.deepEqual(splitDottedKey('"a\\"b"'), ['a"b']);
    assert.equal(splitDottedKey('a."b'), undefined);
    assert.equal(splitDottedKey("a."), undefined);
  });
});

describe("applyOverride", () => {
  test("dotted keys create intermediate tables and overwrite the leaf", () => {
    const t: TomlTable = { a: { keep: 1, b: { c: "old" } } };
    applyOverride(t, "a.b.c", "new");
    applyOverride(t, "x.y.z", 3);
    assert.deepEqual(t, { a: { keep: 1, b: { c: "new" } }, x: { y: { z: 3 } } });
  });

  test("a non-table in the way is replaced by a table", () => {
    const t: TomlTable = { a: "scalar", b: [1, 2] };
    applyOverride(t, "a.b", 1);
    applyOverride(t, ["b", "c"], true);
    assert.deepEqual(t, { a: { b: 1 }, b: { c: true } });
  });

  test("__proto__ is stored as data", () => {
    const t: TomlTable = {};
    applyOverride(t, "__proto__.polluted", 1);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    assert.deepEqual(Object.keys(t), ["__proto__"]);
  });
});
