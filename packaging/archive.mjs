// Deterministic archive writers for the package builder: POSIX ustar, ar (the .deb/.ipk container)
// and gzip. Every byte depends only on the entries given, so equal inputs give equal packages on any
// machine: no clock, no umask, no user or group names from the build machine.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/**
 * @typedef {object} TarEntry
 * @property {string} path   path inside the archive, e.g. "./usr/bin/x"; directories end in "/"
 * @property {"file" | "dir" | "symlink"} type
 * @property {number} mode   permission bits, e.g. 0o755
 * @property {Buffer} [data] contents of a file
 * @property {string} [target] target of a symlink
 */

const BLOCK = 512;
const RECORD = BLOCK * 20; // GNU tar's default record size: archives end on a 10 KiB boundary

/** Writes `value` as a zero-padded octal number of `width - 1` digits plus a NUL. */
function octal(value, width) {
  const text = value.toString(8);
  if (text.length > width - 1) throw new Error(`tar: ${value} does not fit in ${width - 1} octal digits`);
  return text.padStart(width - 1, "0") + "\0";
}

/** Splits a path that is too long for the 100-byte name field into ustar's prefix and name. */
function splitName(path) {
  if (Buffer.byteLength(path) <= 100) return { prefix: "", name: path };
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== "")
      return { prefix, name };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

/** One 512-byte ustar header; owner and group are always 0/root. */
function tarHeader(entry, mtime) {
  const header = Buffer.alloc(BLOCK, 0);
  const { prefix, name } = splitName(entry.path);
  const size = entry.type === "file" ? entry.data.length : 0;
  const typeflag = { file: "0", symlink: "2", dir: "5" }[entry.type];
  if (!typeflag) throw new Error(`tar: unknown entry type ${entry.type}`);
  const link = entry.type === "symlink" ? entry.target : "";
  if (Buffer.byteLength(link) > 100) throw new Error(`tar: symlink target too long: ${link}`);
  header.write(name, 0, 100, "utf8");
  header.write(octal(entry.mode & 0o7777, 8), 100, 8, "ascii");
  header.write(octal(0, 8), 108, 8, "ascii"); // uid
  header.write(octal(0, 8), 116, 8, "ascii"); // gid
  header.write(octal(size, 12), 124, 12, "ascii");
  header.write(octal(mtime, 12), 136, 12, "ascii");
  header.write("        ", 148, 8, "ascii"); // checksum placeholder: eight spaces
  header.write(typeflag, 156, 1, "ascii");
  header.write(link, 157, 100, "utf8");
  header.write("ustar\0", 257, 6, "ascii");
  header.write("00", 263, 2, "ascii");
  header.write("root", 265, 32, "ascii"); // uname
  header.write("root", 297, 32, "ascii"); // gname
  header.write(octal(0, 8), 329, 8, "ascii"); // devmajor
  header.write(octal(0, 8), 337, 8, "ascii"); // devminor
  header.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  return header;
}

/** Byte-wise comparison, so the order never depends on the locale. */
export function byName(a, b) {
  return Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
}

/**
 * A tar archive of `entries` in name order (a directory always precedes what it holds, since its
 * path is a prefix of theirs), every entry owned by root:root with modification time `mtime`.
 * @param {TarEntry[]} entries
 * @param {number} mtime seconds since the epoch
 */
export function tar(entries, mtime) {
  const parts = [];
  const seen = new Set();
  for (const entry of [...entries].sort(byName)) {
    if (seen.has(entry.path)) throw new Error(`tar: duplicate entry ${entry.path}`);
    seen.add(entry.path);
    parts.push(tarHeader(entry, mtime));
    if (entry.type === "file") {
      parts.push(entry.data);
      const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0)); // end-of-archive marker
  const length = parts.reduce((n, p) => n + p.length, 0);
  const pad = (RECORD - (length % RECORD)) % RECORD;
  if (pad) parts.push(Buffer.alloc(pad, 0));
  return Buffer.concat(parts);
}

/**
 * gzip at level 9 with no file name and a zero timestamp (what `gzip -n9` does). The OS byte is fixed
 * to 3 (Unix) because zlib fills in the build machine's OS there.
 * @param {Buffer} data
 */
export function gzip(data) {
  const out = gzipSync(data, { level: 9 });
  out[9] = 3;
  return out;
}

/**
 * A common-format ar archive (what dpkg-deb writes): members in the order given, each with
 * modification time `mtime`, owner 0, group 0, mode 100644; odd-sized members padded with "\n".
 * @param {{ name: string, data: Buffer }[]} members
 * @param {number} mtime
 */
export function ar(members, mtime) {
  const parts = [Buffer.from("!<arch>\n", "ascii")];
  for (const { name, data } of members) {
    if (name.length > 15 || /[\s/]/.test(name)) throw new Error(`ar: unsupported member name ${name}`);
    const header =
      name.padEnd(16) +
      String(mtime).padEnd(12) +
      "0".padEnd(6) +
      "0".padEnd(6) +
      "100644".padEnd(8) +
      String(data.length).padEnd(10) +
      "`\n";
    parts.push(Buffer.from(header, "ascii"), data);
    if (data.length % 2) parts.push(Buffer.from("\n", "ascii"));
  }
  return Buffer.concat(parts);
}

/** Hex digest of `data`. */
export function digest(algorithm, data) {
  return createHash(algorithm).update(data).digest("hex");
}
