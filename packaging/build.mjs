#!/usr/bin/env node
// Builds the release packages from the esbuild bundle in dist/ (run `npm run build` first, or use
// `npm run package`, which does both):
//   codex-litellm-<v>.tgz               npm tarball (`npm pack` of exactly the published files)
//   codex-litellm_<v>_all.deb           Debian/Ubuntu, Depends: nodejs (>= 20)
//   codex-litellm_<v>_termux_all.deb    Termux, under /data/data/com.termux/files/usr
//   codex-litellm_<v>_all.ipk           OpenWrt (opkg), Depends: node (>= 20)
//   SHA256SUMS
// The archives are written by packaging/archive.mjs, byte for byte reproducible: every mtime is
// SOURCE_DATE_EPOCH (else the last commit's time), every owner root:root, every mode set here.
//
// Usage: node packaging/build.mjs [--out DIR] [--dist DIR] [--epoch SECONDS]
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ar, byName, digest, gzip, tar } from "./archive.mjs";

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

/** "a/b/c" → "a/b"; "c" → "". */
function parent(path) {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

/** Collects tar entries, adding every parent directory (mode 0755) of what is added. */
class Tree {
  /** @type {Map<string, import("./archive.mjs").TarEntry>} */
  entries = new Map();

  dir(path) {
    const parts = path.split("/").filter(Boolean);
    for (let i = 0; i <= parts.length; i++) {
      const p = i === 0 ? "./" : `./${parts.slice(0, i).join("/")}/`;
      if (!this.entries.has(p)) this.entries.set(p, { path: p, type: "dir", mode: 0o755 });
    }
  }

  file(path, data, mode = 0o644) {
    this.dir(parent(path));
    this.entries.set(`./${path}`, { path: `./${path}`, type: "file", mode, data });
  }

  symlink(path, target) {
    this.dir(parent(path));
    this.entries.set(`./${path}`, { path: `./${path}`, type: "symlink", mode: 0o777, target });
  }

  list() {
    return [...this.entries.values()].sort(byName);
  }
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
  return entries.reduce((n, e) => n + (e.type === "file" ? Math.ceil(e.data.length / 1024) : 1), 0);
}

/** A control file: one "Field: value" line each, then the description's extended lines. */
function controlFile(fields) {
  const lines = Object.entries(fields)
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([field, value]) => `${field}: ${value}`);
  lines.push(...DESCRIPTION.map((line) => ` ${line}`));
  return Buffer.from(`${lines.join("\n")}\n`, "utf8");
}

/** A .deb (or .ipk): ar members debian-binary, control.tar.gz, data.tar.gz, in dpkg's order. */
function debArchive(controlTree, dataTar, epoch) {
  return ar(
    [
      { name: "debian-binary", data: Buffer.from("2.0\n", "ascii") },
      { name: "control.tar.gz", data: gzip(tar(controlTree.list(), epoch)) },
      { name: "data.tar.gz", data: gzip(dataTar) },
    ],
    epoch,
  );
}

function md5sums(entries) {
  const lines = entries
    .filter((e) => e.type === "file")
    .map((e) => `${digest("md5", e.data)}  ${e.path.slice(2)}`);
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

function buildDeb({ bundle, version, epoch }) {
  const data = new Tree();
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
  const entries = data.list();
  const control = new Tree();
  control.file(
    "control",
    controlFile({
      Package: NAME,
      Version: version,
      Architecture: "all",
      Maintainer: MAINTAINER,
      "Installed-Size": installedKiB(entries),
      Depends: "nodejs (>= 20)",
      Section: "utils",
      Priority: "optional",
      Homepage: pkg.homepage,
      Description: SYNOPSIS,
    }),
  );
  control.file("md5sums", md5sums(entries));
  return debArchive(control, tar(entries, epoch), epoch);
}

function buildTermux({ bundle, version, epoch }) {
  const data = new Tree();
  // Termux has no /usr/bin/env (termux-exec only rewrites it at exec time), so name node directly.
  addBundle(data, TERMUX_PREFIX, bundle, `/${TERMUX_PREFIX}/bin/node`);
  addLegal(data, `${TERMUX_PREFIX}/share/doc/${NAME}`);
  const entries = data.list();
  const control = new Tree();
  control.file(
    "control",
    controlFile({
      Package: NAME,
      Version: version,
      Architecture: "all",
      Maintainer: MAINTAINER,
      "Installed-Size": installedKiB(entries),
      // nodejs (current) and nodejs-lts conflict with each other and neither provides the other, so
      // accept either, as Termux's own npm package does.
      Depends: "nodejs (>= 20) | nodejs-lts (>= 20)",
      Section: "utils",
      Priority: "optional",
      Homepage: pkg.homepage,
      Description: SYNOPSIS,
    }),
  );
  control.file("md5sums", md5sums(entries));
  return debArchive(control, tar(entries, epoch), epoch);
}

function buildIpk({ bundle, version, epoch }) {
  const data = new Tree();
  // OpenWrt's busybox provides /usr/bin/env and the node package installs /usr/bin/node.
  addBundle(data, "usr", bundle, "/usr/bin/env node");
  addLegal(data, `usr/share/licenses/${NAME}`);
  const dataTar = tar(data.list(), epoch);
  const control = new Tree();
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
  return debArchive(control, dataTar, epoch);
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
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir))
    if (name.startsWith(`${NAME}-`) || name.startsWith(`${NAME}_`) || name === "SHA256SUMS")
      rmSync(join(outDir, name), { force: true });

  const bundle = listFiles(distDir).map((path) => [path, readFileSync(join(distDir, path))]);
  const version = packageVersion(pkg.version);
  const input = { bundle, version, epoch };
  const packages = {
    [`${NAME}_${version}_all.deb`]: buildDeb(input),
    [`${NAME}_${version}_termux_all.deb`]: buildTermux(input),
    [`${NAME}_${version}_all.ipk`]: buildIpk(input),
  };
  for (const [name, data] of Object.entries(packages)) writeFileSync(join(outDir, name), data);
  const tarball = buildNpm({ distDir, outDir });

  const names = [tarball, ...Object.keys(packages)].sort();
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
