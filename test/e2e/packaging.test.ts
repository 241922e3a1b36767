// The release packages (packaging/build.mjs), checked with the system's own tools: dpkg-deb for the
// Debian and Termux packages, ar and tar for the OpenWrt .ipk, npm for the npm tarball. The packages
// are built twice from one snapshot of dist/ (so a concurrent rebuild cannot change what is packed),
// the second time from another directory and under umask 077, to prove the builds are byte-for-byte
// reproducible and take no mode from the umask.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const NAME: string = PKG.name;
const VERSION: string = PKG.version.replace(/-/g, "~");
const EPOCH = 1767225600; // 2026-01-01T00:00:00Z
const EPOCH_TEXT = "2026-01-01 00:00"; // as dpkg-deb and tar list it with TZ=UTC
const TERMUX = "data/data/com.termux/files/usr";

const DEB = `${NAME}_${VERSION}_all.deb`;
const TERMUX_DEB = `${NAME}_${VERSION}_termux_all.deb`;
const IPK = `${NAME}_${VERSION}_all.ipk`;
const TGZ = `${NAME}-${PKG.version}.tgz`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment for every tool: UTC and the C locale for stable listings, no npm_* leaking in. */
function toolEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.toLowerCase().startsWith("npm_") && k !== "SOURCE_DATE_EPOCH") env[k] = v;
  delete env.CODEX_LITELLM_MAINTAINER;
  return { ...env, TZ: "UTC", LC_ALL: "C", NO_COLOR: "1", ...extra };
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? toolEnv(),
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): string {
  const r = run(cmd, args, opts);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Every regular file under `dir`, relative to it. */
function files(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path, base));
    else out.push(path.slice(base.length + 1));
  }
  return out.sort();
}

/** "Field: value" lines of a control file (continuation lines are skipped). */
function fields(control: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of control.split("\n")) {
    const m = /^([A-Za-z-]+): (.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

interface Listed {
  mode: string;
  owner: string;
  size: number;
  date: string;
  path: string;
  target?: string;
}

/** Parses `tar -tv` / `dpkg-deb --contents` lines. */
function listing(text: string): Map<string, Listed> {
  const out = new Map<string, Listed>();
  for (const line of text.trimEnd().split("\n")) {
    const m = /^(\S+) (\S+)\s+(\d+) (\d{4}-\d\d-\d\d \d\d:\d\d) (.+?)(?: -> (.+))?$/.exec(line);
    assert.ok(m, `unexpected listing line: ${line}`);
    out.set(m[5], { mode: m[1], owner: m[2], size: Number(m[3]), date: m[4], path: m[5], target: m[6] });
  }
  return out;
}

let tmp = "";
let dist = "";
let outA = "";
let outB = "";

before(() => {
  for (const tool of ["dpkg-deb", "ar", "tar", "gzip", "npm"])
    assert.equal(run("sh", ["-c", `command -v ${tool}`]).code, 0, `${tool} is required (see .ci/run)`);
  tmp = mkdtempSync(join(tmpdir(), "codex-litellm-packaging-"));
  dist = join(tmp, "dist");
  assert.ok(existsSync(join(ROOT, "dist", "cli.js")), "dist/cli.js is missing: run `npm run build` first");
  cpSync(join(ROOT, "dist"), dist, { recursive: true });
  outA = join(tmp, "a");
  outB = join(tmp, "b");
  const builder = join(ROOT, "packaging", "build.mjs");
  // Once with --epoch from the project root, once with SOURCE_DATE_EPOCH from elsewhere and a umask
  // that would make every staged file private if the builder did not set each mode itself.
  ok(process.execPath, [builder, "--dist", dist, "--out", outA, "--epoch", String(EPOCH)]);
  ok("sh", ["-c", 'umask 077 && exec "$0" "$@"', process.execPath, builder, "--dist", dist, "--out", outB], {
    cwd: tmp,
    env: toolEnv({ SOURCE_DATE_EPOCH: String(EPOCH) }),
  });
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test("the build writes the npm tarball, both .debs, the .ipk and SHA256SUMS", () => {
  assert.deepEqual(readdirSync(outA).sort(), [DEB, IPK, TERMUX_DEB, TGZ, "SHA256SUMS"].sort());
  const sums = readFileSync(join(outA, "SHA256SUMS"), "utf8").trimEnd().split("\n");
  assert.equal(sums.length, 4);
  for (const line of sums) {
    const [hash, name] = line.split("  ");
    assert.equal(
      createHash("sha256")
        .update(readFileSync(join(outA, name)))
        .digest("hex"),
      hash,
      name,
    );
  }
});

test("two builds from the same bundle and SOURCE_DATE_EPOCH are byte-identical", () => {
  const names = readdirSync(outA).sort();
  assert.deepEqual(readdirSync(outB).sort(), names);
  for (const name of names)
    assert.ok(readFileSync(join(outA, name)).equals(readFileSync(join(outB, name))), `${name} differs`);
});

/**
 * Ajv (`exec --output-schema`) keeps `'require("ajv/dist/runtime/…")'` as string data: the code its standalone
 * mode would print. Validation in the bundle calls the bundled functions and never runs those strings.
 */
const AJV_STANDALONE_CODE = /^ajv\/dist\/runtime\/[\w-]+$/;

test("the bundle needs nothing at run time but node's built-ins and its own chunks", () => {
  for (const field of ["dependencies", "optionalDependencies", "peerDependencies", "bundleDependencies"])
    assert.equal(PKG[field], undefined, `package.json must not declare ${field}: everything is bundled`);
  for (const script of ["preinstall", "install", "postinstall"])
    assert.equal(PKG.scripts?.[script], undefined, `package.json must not have a ${script} script`);
  const builtins = new Set(builtinModules);
  // Static `import … from "x"` / `import "x"` / `export … from "x"`, `import("x")`, `require("x")`.
  const pattern =
    /\b(?:(?:import|export)\s*(?:[\w$*{][^;"'`()]*?\bfrom\s*)?|(?:import|\w*require)\s*\(\s*)["']([^"'\s]+)["']/g;
  let relativeImports = 0;
  const licenses = readFileSync(join(dist, "THIRD_PARTY_LICENSES.md"), "utf8");
  for (const name of ["ink", "react", "commander", "eventsource-parser", "smol-toml", "yoga-layout"])
    assert.match(licenses, new RegExp(`^## ${name} \\d`, "m"), `THIRD_PARTY_LICENSES.md names ${name}`);
  assert.match(licenses, /Permission is hereby granted, free of charge/, "it holds the MIT texts themselves");
  for (const file of files(dist).filter((f) => f !== "THIRD_PARTY_LICENSES.md")) {
    assert.match(file, /^(cli\.js|chunks\/[\w-]+\.js)$/, `unexpected file in dist/: ${file}`);
    const code = readFileSync(join(dist, file), "utf8");
    for (const [, spec] of code.matchAll(pattern)) {
      if (spec.startsWith("./") || spec.startsWith("../")) {
        relativeImports++;
        assert.ok(existsSync(resolve(dirname(join(dist, file)), spec)), `${file} imports missing ${spec}`);
      } else if (!AJV_STANDALONE_CODE.test(spec)) {
        assert.ok(
          spec.startsWith("node:") || builtins.has(spec),
          `${file} imports "${spec}", which is not bundled`,
        );
      }
    }
  }
  assert.ok(relativeImports > 0, "cli.js loads its chunks by relative import");
});

test("npm pack publishes only the bundle with its third-party licenses, README, LICENSE, NOTICE, CHANGELOG and package.json", () => {
  // --ignore-scripts: prepack would rebuild dist/ under the other tests' feet.
  const [packed] = JSON.parse(ok("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]));
  const paths: string[] = packed.files.map((f: { path: string }) => f.path).sort();
  for (const path of paths)
    assert.match(
      path,
      /^(package\.json|README\.md|LICENSE|NOTICE|CHANGELOG\.md|dist\/cli\.js|dist\/THIRD_PARTY_LICENSES\.md|dist\/chunks\/[\w-]+\.js)$/,
    );
  for (const path of ["package.json", "README.md", "LICENSE", "NOTICE", "CHANGELOG.md", "dist/cli.js"])
    assert.ok(paths.includes(path), `${path} is not published`);
  // The builder's tarball holds the same set of files.
  const inTarball = ok("tar", ["-tzf", join(outA, TGZ)])
    .trimEnd()
    .split("\n")
    .map((p) => p.replace(/^package\//, ""))
    .sort();
  assert.deepEqual(
    inTarball,
    [
      "package.json",
      "README.md",
      "LICENSE",
      "NOTICE",
      "CHANGELOG.md",
      ...files(dist).map((f) => `dist/${f}`),
    ].sort(),
  );
  // A guard against publishing what does not belong (node_modules, fixtures, source maps), not a size budget:
  // the whole agent with its TUI is about 270 KiB packed.
  const size = lstatSync(join(outA, TGZ)).size;
  assert.ok(size < 512 * 1024, `the npm tarball is ${size} bytes`);
});

test("npm install -g of the tarball works offline, runs no scripts and installs codex-litellm", () => {
  const prefix = join(tmp, "npm-prefix");
  const r = ok(
    "npm",
    [
      "install",
      "--global",
      join(outA, TGZ),
      "--prefix",
      prefix,
      "--offline",
      "--no-audit",
      "--no-fund",
      "--foreground-scripts",
      "--cache",
      join(tmp, "npm-cache"),
    ],
    { cwd: tmp },
  );
  assert.match(r, /added 1 package/);
  const installed = join(prefix, "lib", "node_modules", NAME);
  assert.equal(existsSync(join(installed, "node_modules")), false, "no dependencies are installed");
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  assert.equal(manifest.dependencies, undefined);
  for (const script of ["preinstall", "install", "postinstall"])
    assert.equal(manifest.scripts?.[script], undefined);
  const bin = join(prefix, "bin", NAME);
  assert.equal(ok(bin, ["--version"], { cwd: tmp }), `${NAME} ${PKG.version}\n`);
  assert.match(ok(bin, ["--help"], { cwd: tmp }), /^Usage: codex-litellm /);
});

test("Debian package: control fields, layout, modes, LICENSE and NOTICE", () => {
  const deb = join(outA, DEB);
  const control = fields(ok("dpkg-deb", ["--field", deb]));
  assert.equal(control.Package, NAME);
  assert.equal(control.Version, VERSION);
  assert.equal(control.Architecture, "all");
  assert.equal(control.Depends, "nodejs (>= 20)");
  assert.equal(control.Section, "utils");
  assert.equal(control.Priority, "optional");
  assert.match(control.Maintainer, /^.+ <[^@\s]+@[^>\s]+>$/);
  assert.match(control.Description, /\S/);
  assert.match(control["Installed-Size"], /^\d+$/);
  assert.match(ok("dpkg-deb", ["--info", deb]), /^ new Debian package, version 2\.0\./);
  // dpkg-deb's ar container: gzip members (-Zgzip, uniform compression) dated SOURCE_DATE_EPOCH.
  const members = ok("ar", ["tv", deb]).trimEnd().split("\n");
  assert.deepEqual(
    members.map((line) => line.split(" ").at(-1)),
    ["debian-binary", "control.tar.gz", "data.tar.gz"],
  );
  for (const line of members) assert.match(line, /^rw-r--r-- 0\/0 +\d+ Jan {2}1 00:00 2026 /);

  const entries = listing(ok("dpkg-deb", ["--contents", deb]));
  for (const e of entries.values()) {
    assert.equal(e.owner, "root/root", e.path);
    assert.equal(e.date, EPOCH_TEXT, e.path);
    if (e.mode.startsWith("d")) assert.equal(e.mode, "drwxr-xr-x", e.path);
    assert.ok(e.path === "./" || e.path.startsWith("./usr/"), `${e.path} is outside /usr`);
  }
  const link = entries.get("./usr/bin/codex-litellm");
  assert.equal(link?.mode, "lrwxrwxrwx");
  assert.equal(link?.target, "../lib/codex-litellm/cli.js");
  assert.equal(entries.get("./usr/lib/codex-litellm/cli.js")?.mode, "-rwxr-xr-x");
  assert.equal(entries.get("./usr/lib/codex-litellm/package.json")?.mode, "-rw-r--r--");
  for (const file of files(dist).filter((f) => f !== "cli.js"))
    assert.equal(entries.get(`./usr/lib/codex-litellm/${file}`)?.mode, "-rw-r--r--", file);
  for (const doc of ["LICENSE", "NOTICE", "copyright", "changelog.gz"])
    assert.equal(entries.get(`./usr/share/doc/codex-litellm/${doc}`)?.mode, "-rw-r--r--", doc);
});

test("Debian package: unpacked anywhere, /usr/bin/codex-litellm runs, and md5sums match", () => {
  const rootDir = join(tmp, "deb-root");
  ok("dpkg-deb", ["-x", join(outA, DEB), rootDir]);
  const bin = join(rootDir, "usr", "bin", NAME);
  assert.equal(readlinkSync(bin), "../lib/codex-litellm/cli.js", "a relative link survives relocation");
  assert.equal(ok(bin, ["--version"], { cwd: tmp }), `${NAME} ${PKG.version}\n`);
  // --help loads the lazily imported chunks next to cli.js, through the symlink.
  assert.match(ok(bin, ["--help"], { cwd: tmp }), /^Usage: codex-litellm /);
  assert.equal(
    readFileSync(join(rootDir, "usr/share/doc", NAME, "LICENSE"), "utf8"),
    readFileSync(join(ROOT, "LICENSE"), "utf8"),
  );
  assert.equal(
    readFileSync(join(rootDir, "usr/share/doc", NAME, "NOTICE"), "utf8"),
    readFileSync(join(ROOT, "NOTICE"), "utf8"),
  );

  const controlDir = join(tmp, "deb-control");
  ok("dpkg-deb", ["--control", join(outA, DEB), controlDir]);
  const sums = readFileSync(join(controlDir, "md5sums"), "utf8").trimEnd().split("\n");
  const regular = files(rootDir).filter((f) => !lstatSync(join(rootDir, f)).isSymbolicLink());
  assert.deepEqual(sums.map((l) => l.split("  ")[1]).sort(), regular);
  for (const line of sums) {
    const [hash, path] = line.split("  ");
    assert.equal(
      createHash("md5")
        .update(readFileSync(join(rootDir, path)))
        .digest("hex"),
      hash,
      path,
    );
  }
});

test("Termux package: prefix layout, nodejs or nodejs-lts, and a shebang naming Termux's node", () => {
  const deb = join(outA, TERMUX_DEB);
  const control = fields(ok("dpkg-deb", ["--field", deb]));
  assert.equal(control.Package, NAME);
  assert.equal(control.Version, VERSION);
  assert.equal(control.Architecture, "all");
  assert.equal(control.Depends, "nodejs (>= 20) | nodejs-lts (>= 20)");
  for (const field of ["Maintainer", "Section", "Priority", "Description", "Installed-Size"])
    assert.ok(control[field], `${field} is missing`);

  const entries = listing(ok("dpkg-deb", ["--contents", deb]));
  for (const e of entries.values()) {
    assert.equal(e.owner, "root/root", e.path);
    assert.ok(
      `./${TERMUX}/`.startsWith(e.path) || e.path.startsWith(`./${TERMUX}/`),
      `${e.path} is outside $PREFIX`,
    );
  }
  const link = entries.get(`./${TERMUX}/bin/codex-litellm`);
  assert.equal(link?.mode, "lrwxrwxrwx");
  assert.equal(link?.target, "../lib/codex-litellm/cli.js");
  assert.equal(entries.get(`./${TERMUX}/lib/codex-litellm/cli.js`)?.mode, "-rwxr-xr-x");
  for (const doc of ["LICENSE", "NOTICE"])
    assert.ok(entries.has(`./${TERMUX}/share/doc/codex-litellm/${doc}`), doc);

  const rootDir = join(tmp, "termux-root");
  ok("dpkg-deb", ["-x", deb, rootDir]);
  const cli = readFileSync(join(rootDir, TERMUX, "lib", NAME, "cli.js"), "utf8");
  const original = readFileSync(join(dist, "cli.js"), "utf8");
  const [shebang, ...rest] = cli.split("\n");
  assert.equal(shebang, "#!/data/data/com.termux/files/usr/bin/node");
  assert.equal(rest.join("\n"), original.slice(original.indexOf("\n") + 1), "only the shebang changes");
  const manifest = JSON.parse(readFileSync(join(rootDir, TERMUX, "lib", NAME, "package.json"), "utf8"));
  assert.equal(manifest.type, "module");
  for (const file of files(dist)) assert.ok(existsSync(join(rootDir, TERMUX, "lib", NAME, file)), file);
});

test("OpenWrt package: ar members, control fields and /usr/bin/codex-litellm", () => {
  const ipk = join(outA, IPK);
  assert.deepEqual(ok("ar", ["t", ipk]).trimEnd().split("\n"), [
    "debian-binary",
    "control.tar.gz",
    "data.tar.gz",
  ]);
  for (const line of ok("ar", ["tv", ipk]).trimEnd().split("\n")) assert.match(line, /^rw-r--r-- 0\/0 /);
  const dir = join(tmp, "ipk");
  mkdirSync(dir);
  ok("ar", ["x", ipk], { cwd: dir });
  assert.equal(readFileSync(join(dir, "debian-binary"), "utf8"), "2.0\n");

  const controlEntries = listing(ok("tar", ["-tvzf", "control.tar.gz", "--numeric-owner"], { cwd: dir }));
  assert.deepEqual([...controlEntries.keys()], ["./", "./control"]);
  for (const e of controlEntries.values()) {
    assert.equal(e.owner, "0/0", e.path);
    assert.equal(e.date, EPOCH_TEXT, e.path);
  }
  const control = fields(ok("tar", ["-xzOf", "control.tar.gz", "./control"], { cwd: dir }));
  assert.equal(control.Package, NAME);
  assert.equal(control.Version, VERSION);
  assert.equal(control.Architecture, "all");
  assert.equal(control.Depends, "node (>= 20)");
  assert.equal(control.License, "Apache-2.0");
  assert.equal(control.Section, "utils");
  assert.equal(control.Priority, "optional");
  assert.match(control.Maintainer, /^.+ <[^@\s]+@[^>\s]+>$/);
  assert.match(control.Description, /\S/);
  const dataTarSize = ok("sh", ["-c", "gzip -dc data.tar.gz | wc -c"], { cwd: dir }).trim();
  assert.equal(control["Installed-Size"], dataTarSize, "opkg's Installed-Size is the data tar's size");

  const entries = listing(ok("tar", ["-tvzf", "data.tar.gz", "--numeric-owner"], { cwd: dir }));
  for (const e of entries.values()) {
    assert.equal(e.owner, "0/0", e.path);
    assert.equal(e.date, EPOCH_TEXT, e.path);
  }
  const link = entries.get("./usr/bin/codex-litellm");
  assert.equal(link?.mode, "lrwxrwxrwx");
  assert.equal(link?.target, "../lib/codex-litellm/cli.js");
  assert.equal(entries.get("./usr/lib/codex-litellm/cli.js")?.mode, "-rwxr-xr-x");
  for (const doc of ["LICENSE", "NOTICE"])
    assert.equal(entries.get(`./usr/share/licenses/codex-litellm/${doc}`)?.mode, "-rw-r--r--", doc);
  const cli = ok("tar", ["-xzOf", "data.tar.gz", "./usr/lib/codex-litellm/cli.js"], { cwd: dir });
  assert.equal(cli.split("\n")[0], "#!/usr/bin/env node");
});
