#!/usr/bin/env node
// Builds the release packages from the esbuild bundle in dist/ (run `npm run build` first, or use
// `npm run package`, which does both):
//   codex-litellm-<v>.tgz               npm tarball (`npm pack` of exactly the published files)
//   codex-litellm_<v>_all.deb           Debian/Ubuntu, Depends: nodejs (>= 20)
//   codex-litellm_<v>_termux_all.deb    Termux, under /data/data/com.termux/files/usr
//   codex-litellm_<v>_all.ipk           OpenWrt (opkg), Depends: node (>= 20)
//   SHA256SUMS
// Each package's tree is staged in a temporary directory with every mode set here (never the umask's)
// and every mtime set to SOURCE_DATE_EPOCH (else the last commit's time), then archived by the
// standard tools: `dpkg-deb --root-owner-group -b` for the two .debs; GNU tar, `gzip -n` and `ar D`
// for the .ipk. Owners are always root:root, so the packages are byte for byte reproducible.
// Needs dpkg-deb (>= 1.19), GNU tar (>= 1.28), gzip and ar (binutils).
//
// Usage: node packaging/build.mjs [--out DIR] [--dist DIR] [--epoch SECONDS]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const NAME = pkg.name;

/** Who answers for the packages; set CODEX_LITELLM_MAINTAINER ("Name <email>") for a release. */
const MAINTAINER =
  process.env.CODEX_LITELLM_MAINTAINER || "The codex-litellm Authors <maintainers@codex-litellm.invalid>";
const SYNOPSIS = "terminal coding agent for LiteLLM and OpenAI-compatible gateways";
const DESCRIPTION = [
  "codex-litellm is a terminal coding agent in the spirit of OpenAI's Codex CLI",
  "that talks directly to LiteLLM gateways and any OpenAI-compatible Chat",
  "Completions endpoint. It installs as its own command, codex-litellm, beside",
  "the stock codex, and reads the same ~/.codex/config.toml. It is one",
  "JavaScript bundle for Node.js 20 or newer, with no native code.",
];

const TERMUX_PREFIX = "data/data/com.termux/files/usr";

/**
 * The package version in Debian/opkg syntax: a semver pre-release ("1.0.0-rc.1") sorts before its
 * release only with "~" ("1.0.0~rc.1"); a "-" would start a Debian revision instead.
 */
export function packageVersion(version) {
  return version.replace(/-/g, "~");
}

/** The build's timestamp: SOURCE_DATE_EPOCH, else the last commit's time, else a fixed date. */
function defaultEpoch() {
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env !== undefined && env !== "") return Number(env);
  try {
    const out = execFileSync("git", ["log", "-1", "--format=%ct"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (/^\d+$/.test(out)) return Number(out);
  } catch {
    // not a git checkout (e.g. an unpacked source tarball): fall through
  }
  return 315532800; // 1980-01-01T00:00:00Z
}

/** Every file under `dir`, as paths relative to it with "/" separators, in byte order. */
function listFiles(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path, base));
    else if (entry.isFile()) out.push(relative(base, path).split("\\").join("/"));
    else throw new Error(`unexpected non-file in the bundle: ${path}`);
  }
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Byte order, so the result never depends on the locale. */
function byBytes(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Hex digest of `data`. */
function digest(algorithm, data) {
  return createHash(algorithm).update(data).digest("hex");
}

/**
 * The environment for the archiving tools: C locale, the epoch for dpkg-deb, and none of the
 * variables through which a user's settings would change their output.
 */
function toolEnv(epoch) {
  const env = { ...process.env };
  for (const name of Object.keys(env))
    if (/^(TAR_OPTIONS|TAR|GZIP|DPKG_DEB_.*|DPKG_ROOT|DPKG_ADMINDIR|LANG|LANGUAGE|LC_.*)$/.test(name))
      delete env[name];
  return { ...env, LC_ALL: "C", TZ: "UTC", SOURCE_DATE_EPOCH: String(epoch) };
}

/** Runs a tool without a shell; returns its stdout; fails with its stderr. */
function run(command, args, { epoch, cwd, input } = {}) {
  try {
    return execFileSync(command, args, {
      cwd,
      env: toolEnv(epoch),
      input,
      maxBuffer: 1024 * 1024 * 1024,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = error.stderr?.toString().trim();
    const reason = error.code === "ENOENT" ? "not found (see docs/PUBLISHING.md)" : stderr || error.message;
    throw new Error(`${command} ${args.join(" ")}: ${reason}`);
  }
}

/** The tools the packages need, checked up front so a missing one fails with a clear message. */
function checkTools() {
  const version = (command) => run(command, ["--version"]).toString().split("\n")[0];
  if (!/GNU tar/.test(version("tar"))) throw new Error("GNU tar is required (for --sort=name)");
  version("gzip");
  version("ar");
  const dpkg = /version (\d+)\.(\d+)/.exec(version("dpkg-deb"));
  if (!dpkg || Number(dpkg[1]) * 1000 + Number(dpkg[2]) < 1019)
    throw new Error("dpkg-deb 1.19 or newer is required (for --root-owner-group)");
}

/** `gzip -n -9`: best compression, no file name, no timestamp. */
function gzip(data) {
  return run("gzip", ["-n", "-9", "-c"], { input: data });
}

/**
 * A package tree being staged in a directory. Every directory is 0755 and every file gets the mode
 * given, by chmod, so the umask never shows; `seal` then sets every mtime to the epoch.
 */
class Stage {
  constructor(dir) {
    this.root = dir;
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
  }

  path(rel) {
    return join(this.root, ...rel.split("/").filter(Boolean));
  }

  dir(rel) {
    const parts = rel.split("/").filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const path = this.path(parts.slice(0, i).join("/"));
      if (!existsSync(path)) {
        mkdirSync(path);
        chmodSync(path, 0o755);
      }
    }
  }

  file(rel, data, mode = 0o644) {
    this.dir(parent(rel));
    const path = this.path(rel);
    writeFileSync(path, data, { flag: "wx" }); // "x": a duplicate path is a bug in the builder
    chmodSync(path, mode);
  }

  symlink(rel, target) {
    this.dir(parent(rel));
    symlinkSync(target, this.path(rel));
  }

  /** Every entry under `rel` ("" = the root itself first), in byte order of its path. */
  entries(rel = "") {
    const stat = lstatSync(this.path(rel));
    const type = stat.isDirectory() ? "dir" : stat.isSymbolicLink() ? "symlink" : "file";
    const out = [{ path: rel, type, size: stat.size }];
    if (type === "dir") {
      const names = readdirSync(this.path(rel)).sort(byBytes);
      for (const name of names) out.push(...this.entries(rel ? `${rel}/${name}` : name));
    }
    return out;
  }

  /** Sets the mtime (and atime) of every entry, symlinks included, to `epoch`. */
  seal(epoch) {
    for (const { path } of this.entries()) lutimesSync(this.path(path), epoch, epoch);
  }
}

/** "a/b/c" → "a/b"; "c" → "". */
function parent(path) {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

/**
 * The bundle under `<prefix>/lib/codex-litellm/` with `<prefix>/bin/codex-litellm` a relative symlink
 * to its cli.js, so the command works wherever the tree is unpacked (node resolves the symlink, and
 * cli.js loads chunks/ relative to itself). A package.json marks the directory as ES modules: outside
 * an npm install nothing else says so, and Node before 20.19 would run cli.js as CommonJS and fail.
 */
function addBundle(tree, prefix, bundle, shebang) {
  const lib = `${prefix}/lib/${NAME}`;
  for (const [path, data] of bundle) {
    if (path === "cli.js") {
      const text = data.toString("utf8");
      const body = text.startsWith("#!") ? text.slice(text.indexOf("\n") + 1) : text;
      tree.file(`${lib}/cli.js`, Buffer.from(`#!${shebang}\n${body}`, "utf8"), 0o755);
    } else {
      tree.file(`${lib}/${path}`, data);
    }
  }
  const manifest = { name: NAME, version: pkg.version, private: true, type: "module" };
  tree.file(`${lib}/package.json`, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  tree.symlink(`${prefix}/bin/${NAME}`, `../lib/${NAME}/cli.js`);
}

function addLegal(tree, dir) {
  tree.file(`${dir}/LICENSE`, readFileSync(join(root, "LICENSE")));
  tree.file(`${dir}/NOTICE`, readFileSync(join(root, "NOTICE")));
}

/** Installed size in KiB as dpkg counts it: each file rounded up to 1 KiB, each other entry 1 KiB. */
function installedKiB(entries) {
  return entries.reduce((n, e) => n + (e.type === "file" ? Math.ceil(e.size / 1024) : 1), 0);
}

/** A control file: one "Field: value" line each, then the description's extended lines. */
function controlFile(fields) {
  const lines = Object.entries(fields)
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([field, value]) => `${field}: ${value}`);
  lines.push(...DESCRIPTION.map((line) => ` ${line}`));
  return Buffer.from(`${lines.join("\n")}\n`, "utf8");
}

/** md5sums of the regular files of `data`, paths relative to the root, in byte order. */
function md5sums(data, entries) {
  const lines = entries
    .filter((e) => e.type === "file")
    .map((e) => `${digest("md5", readFileSync(data.path(e.path)))}  ${e.path}`);
  return Buffer.from(`${lines.join("\n")}\n`, "ascii");
}

/** Debian policy wants a changelog in Debian's format in every package: one stanza per release. */
function debianChangelog(version, epoch) {
  const date = new Date(epoch * 1000).toUTCString().replace("GMT", "+0000");
  return Buffer.from(
    [
      `${NAME} (${version}) unstable; urgency=medium`,
      "",
      `  * Release ${pkg.version}, packaged from the npm bundle. The release notes are`,
      "    in CHANGELOG.md of the source and of the npm package.",
      "",
      ` -- ${MAINTAINER}  ${date}`,
      "",
    ].join("\n"),
  );
}

/**
 * A .deb of the staged tree `data`, with DEBIAN/control (our fields, `depends`) and DEBIAN/md5sums
 * added, by dpkg-deb: root:root owners, gzip members (control.tar.gz and data.tar.gz: uniform
 * compression) and the ar member times from SOURCE_DATE_EPOCH. dpkg-deb sorts the entries itself
 * (symlinks last) and clamps their mtimes to the epoch, which `seal` has already set.
 */
function dpkgDeb(stage, data, { version, depends, epoch }) {
  const entries = data.entries();
  data.file(
    "DEBIAN/control",
    controlFile({
      Package: NAME,
      Version: version,
      Architecture: "all",
      Maintainer: MAINTAINER,
      "Installed-Size": installedKiB(entries),
      Depends: depends,
      Section: "utils",
      Priority: "optional",
      Homepage: pkg.homepage,
      Description: SYNOPSIS,
    }),
  );
  data.file("DEBIAN/md5sums", md5sums(data, entries));
  data.seal(epoch);
  const out = join(stage, "package.deb");
  run("dpkg-deb", ["--root-owner-group", "-Zgzip", "-z9", "--uniform-compression", "-b", data.root, out], {
    epoch,
  });
  return readFileSync(out);
}

function buildDeb({ bundle, version, epoch }, stage) {
  const data = new Stage(join(stage, "root"));
  addBundle(data, "usr", bundle, "/usr/bin/env node");
  const doc = `usr/share/doc/${NAME}`;
  addLegal(data, doc);
  data.file(`${doc}/changelog.gz`, gzip(debianChangelog(version, epoch)));
  data.file(
    `${doc}/copyright`,
    Buffer.from(
      [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        `Upstream-Name: ${NAME}`,
        "",
        "Files: *",
        "Copyright: 2026 The codex-litellm Authors",
        "License: Apache-2.0",
        " See /usr/share/doc/codex-litellm/LICENSE (also /usr/share/common-licenses/Apache-2.0)",
        " and /usr/share/doc/codex-litellm/NOTICE for the bundled third-party packages.",
        "",
      ].join("\n"),
    ),
  );
  return dpkgDeb(stage, data, { version, depends: "nodejs (>= 20)", epoch });
}

function buildTermux({ bundle, version, epoch }, stage) {
  const data = new Stage(join(stage, "root"));
  // Termux has no /usr/bin/env (termux-exec only rewrites it at exec time), so name node directly.
  addBundle(data, TERMUX_PREFIX, bundle, `/${TERMUX_PREFIX}/bin/node`);
  addLegal(data, `${TERMUX_PREFIX}/share/doc/${NAME}`);
  // nodejs (current) and nodejs-lts conflict with each other and neither provides the other, so
  // accept either, as Termux's own npm package does.
  return dpkgDeb(stage, data, { version, depends: "nodejs (>= 20) | nodejs-lts (>= 20)", epoch });
}

/** `tar` of a sealed tree: GNU format, entries by name, owner 0:0, every mtime the epoch. */
function tarTree(tree, epoch) {
  return run("tar", [
    "--format=gnu",
    "--sort=name",
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    `--mtime=@${epoch}`,
    "-C",
    tree.root,
    "-cf",
    "-",
    ".",
  ]);
}

/**
 * An .ipk: an ar archive of debian-binary, control.tar.gz and data.tar.gz in dpkg's order, written by
 * `ar rcD` (D: deterministic, every member time 0, owner 0:0, mode 0644).
 */
function buildIpk({ bundle, version, epoch }, stage) {
  const data = new Stage(join(stage, "data"));
  // OpenWrt's busybox provides /usr/bin/env and the node package installs /usr/bin/node.
  addBundle(data, "usr", bundle, "/usr/bin/env node");
  addLegal(data, `usr/share/licenses/${NAME}`);
  data.seal(epoch);
  const dataTar = tarTree(data, epoch);
  const control = new Stage(join(stage, "control"));
  control.file(
    "control",
    controlFile({
      Package: NAME,
      Version: version,
      // Old feeds spelled node's version "v8.10.0", which opkg sorts above any number, so the bound only
      // holds against current feeds ("22.14.0"); it still documents the requirement.
      Depends: "node (>= 20)",
      License: "Apache-2.0",
      Section: "utils",
      Architecture: "all",
      // opkg counts bytes: OpenWrt's ipkg-build writes the size of the uncompressed data tar.
      "Installed-Size": dataTar.length,
      Maintainer: MAINTAINER,
      Priority: "optional",
      Description: SYNOPSIS,
    }),
  );
  control.seal(epoch);
  const members = new Stage(join(stage, "members"));
  members.file("debian-binary", Buffer.from("2.0\n", "ascii"));
  members.file("control.tar.gz", gzip(tarTree(control, epoch)));
  members.file("data.tar.gz", gzip(dataTar));
  run("ar", ["rcD", join(stage, "package.ipk"), "debian-binary", "control.tar.gz", "data.tar.gz"], {
    cwd: members.root,
  });
  return readFileSync(join(stage, "package.ipk"));
}

/** `npm pack` of a staging copy of the published files, so the tarball holds exactly this bundle. */
function buildNpm({ distDir, outDir }) {
  const stage = mkdtempSync(join(tmpdir(), "codex-litellm-npm-"));
  try {
    cpSync(join(root, "package.json"), join(stage, "package.json"));
    for (const entry of pkg.files) {
      const from = entry === "dist" ? distDir : join(root, entry);
      cpSync(from, join(stage, entry), { recursive: true });
    }
    const out = execFileSync(
      "npm",
      ["pack", "--ignore-scripts", "--json", "--pack-destination", outDir, "--loglevel=error"],
      { cwd: stage, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    return JSON.parse(out)[0].filename;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

export function buildPackages({ distDir, outDir, epoch }) {
  if (!existsSync(join(distDir, "cli.js")))
    throw new Error(`${join(distDir, "cli.js")} is missing: run \`npm run build\` first`);
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`invalid SOURCE_DATE_EPOCH: ${epoch}`);
  if (!/^[^<>\n]+ <[^@<>\s]+@[^<>\s]+>$/.test(MAINTAINER))
    throw new Error(
      `CODEX_LITELLM_MAINTAINER must look like "Name <email>", not ${JSON.stringify(MAINTAINER)}`,
    );
  checkTools();
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir))
    if (name.startsWith(`${NAME}-`) || name.startsWith(`${NAME}_`) || name === "SHA256SUMS")
      rmSync(join(outDir, name), { force: true });

  const bundle = listFiles(distDir).map((path) => [path, readFileSync(join(distDir, path))]);
  const version = packageVersion(pkg.version);
  const input = { bundle, version, epoch };
  const builders = {
    [`${NAME}_${version}_all.deb`]: buildDeb,
    [`${NAME}_${version}_termux_all.deb`]: buildTermux,
    [`${NAME}_${version}_all.ipk`]: buildIpk,
  };
  for (const [name, build] of Object.entries(builders)) {
    const stage = mkdtempSync(join(tmpdir(), `${NAME}-stage-`));
    try {
      writeFileSync(join(outDir, name), build(input, stage));
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }
  const tarball = buildNpm({ distDir, outDir });

  const names = [tarball, ...Object.keys(builders)].sort();
  const sums = names.map((name) => `${digest("sha256", readFileSync(join(outDir, name)))}  ${name}`);
  writeFileSync(join(outDir, "SHA256SUMS"), `${sums.join("\n")}\n`);
  return [...names, "SHA256SUMS"];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: join(root, "out", "packages") },
      dist: { type: "string", default: join(root, "dist") },
      epoch: { type: "string" },
    },
  });
  try {
    const outDir = resolve(values.out);
    const epoch = values.epoch !== undefined ? Number(values.epoch) : defaultEpoch();
    const names = buildPackages({ distDir: resolve(values.dist), outDir, epoch });
    for (const name of names) console.log(join(relative(process.cwd(), outDir) || ".", name));
  } catch (error) {
    console.error(`package: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
