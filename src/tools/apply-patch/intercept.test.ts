import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { extractPatchFromShell } from "./intercept.ts";

const PATCH = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch";

describe("extractPatchFromShell", () => {
  test("direct argv forms", () => {
    assert.deepEqual(extractPatchFromShell(["apply_patch", PATCH]), { patch: PATCH });
    assert.deepEqual(extractPatchFromShell(["applypatch", PATCH]), { patch: PATCH });
  });

  test("bash -lc heredoc with a quoted delimiter", () => {
    assert.deepEqual(extractPatchFromShell(["bash", "-lc", `apply_patch <<'EOF'\n${PATCH}\nEOF\n`]), {
      patch: PATCH,
    });
  });

  test("any delimiter word, bare or double-quoted, and sh/zsh/-c/absolute shell paths", () => {
    assert.deepEqual(extractPatchFromShell(["sh", "-c", `apply_patch <<PATCH\n${PATCH}\nPATCH`]), {
      patch: PATCH,
    });
    assert.deepEqual(extractPatchFromShell(["/bin/zsh", "-lc", `applypatch<<"END_P"\n${PATCH}\nEND_P`]), {
      patch: PATCH,
    });
    assert.deepEqual(extractPatchFromShell(["bash", "-l", "-c", `apply_patch << 'X'\n${PATCH}\nX`]), {
      patch: PATCH,
    });
  });

  test("a leading cd <dir> && gives the workdir", () => {
    assert.deepEqual(
      extractPatchFromShell(["bash", "-lc", `cd sub/dir && apply_patch <<'EOF'\n${PATCH}\nEOF`]),
      {
        patch: PATCH,
        workdir: "sub/dir",
      },
    );
    assert.deepEqual(
      extractPatchFromShell(["bash", "-lc", `cd 'my dir' &&\napply_patch <<EOF\n${PATCH}\nEOF`]),
      {
        patch: PATCH,
        workdir: "my dir",
      },
    );
  });

  test("a string command is read as a bash -lc script", () => {
    assert.deepEqual(extractPatchFromShell(`  cd "a b" && apply_patch <<'EOF'\n${PATCH}\nEOF\n`), {
      patch: PATCH,
      workdir: "a b",
    });
  });

  test("<<- strips leading tabs; a missing terminator ends at the end of the script", () => {
    const tabbed = PATCH.split("\n")
      .map((l) => `\t${l}`)
      .join("\n");
    assert.deepEqual(extractPatchFromShell(["bash", "-c", `apply_patch <<-EOF\n${tabbed}\n\tEOF`]), {
      patch: PATCH,
    });
    assert.deepEqual(extractPatchFromShell(["bash", "-c", `apply_patch <<'EOF'\n${PATCH}\n`]), {
      patch: PATCH,
    });
  });

  test("other commands are not intercepted", () => {
    assert.equal(extractPatchFromShell(["apply_patch"]), null);
    assert.equal(extractPatchFromShell(["ls", "-la"]), null);
    assert.equal(extractPatchFromShell(["bash", "-lc", "echo hi"]), null);
    assert.equal(extractPatchFromShell(["python", "-c", `apply_patch <<'EOF'\n${PATCH}\nEOF`]), null);
    assert.equal(extractPatchFromShell(["bash", "-x", `apply_patch <<'EOF'\n${PATCH}\nEOF`]), null);
    assert.equal(extractPatchFromShell(`apply_patch <<'EOF'\n${PATCH}\nEOF\nrm -rf build`), null);
    assert.equal(extractPatchFromShell(`echo x && apply_patch <<'EOF'\n${PATCH}\nEOF`), null);
    assert.equal(extractPatchFromShell("apply_patch patch.diff"), null);
  });
});
