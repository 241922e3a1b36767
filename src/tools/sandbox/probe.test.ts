// The bwrap probe's verdicts, synchronous and asynchronous alike, with a stand-in for the child process.
import assert from "node:assert/strict";
import { test } from "node:test";
import { probeBwrap, probeBwrapAsync } from "./bwrap.ts";

type Run = { status: number | null; stderr: string; error?: Error };

/** A spawn seam answering with `runs` in turn and recording whether /proc was mounted each time. */
function seam(runs: Run[]) {
  const procs: boolean[] = [];
  const next = (args: string[]): Run => {
    procs.push(args.includes("--proc"));
    return runs[procs.length - 1];
  };
  return {
    procs,
    sync: (_p: string, args: string[]) => next(args),
    async: async (_p: string, args: string[]) => next(args),
  };
}

const cases: { name: string; runs: Run[]; available: boolean; procs: boolean[]; reason?: RegExp }[] = [
  { name: "first run works", runs: [{ status: 0, stderr: "" }], available: true, procs: [true] },
  {
    name: "works without a fresh /proc",
    runs: [
      { status: 1, stderr: "bwrap: Can't mount proc\n" },
      { status: 0, stderr: "" },
    ],
    available: true,
    procs: [true, false],
  },
  {
    name: "no user namespaces",
    runs: [
      { status: 1, stderr: "bwrap: No permissions to creating new namespace\nmore\n" },
      { status: 1, stderr: "bwrap: other\n" },
    ],
    available: false,
    procs: [true, false],
    reason: /\(bwrap: No permissions to creating new namespace\)$/,
  },
];

for (const c of cases) {
  test(`bwrap probe: ${c.name}, the same verdict synchronously and asynchronously`, async () => {
    const a = seam(c.runs);
    const b = seam(c.runs);
    const sync = probeBwrap({ path: "/usr/bin/bwrap", spawn: a.sync });
    const async = await probeBwrapAsync({ path: "/usr/bin/bwrap", spawn: b.async });
    for (const [verdict, s] of [
      [sync, a],
      [async, b],
    ] as const) {
      assert.equal(verdict.available, c.available);
      assert.deepEqual(s.procs, c.procs);
      if (verdict.available) assert.equal(verdict.backend.name, "bwrap");
      else assert.match(verdict.reason, c.reason ?? /./);
    }
  });
}
