// The seccomp filter bwrap installs (`--seccomp FD`) when the sandbox has no network.
//
// Why: `--unshare-net` isolates IP and abstract Unix sockets, but a path-named Unix socket is reached through
// the file system, which the sandbox sees read-only yet connectable. A command could talk to a tmux server,
// D-Bus, ssh-agent, docker.sock or X11 and have them run anything outside. So, inside the sandbox:
//   - socket(2) succeeds only for AF_INET and AF_INET6 (they reach nothing but the sandbox's own loopback) and
//     AF_NETLINK with NETLINK_ROUTE (per network namespace; glibc's getaddrinfo and `ip` use it); every other
//     family, AF_UNIX first, fails with EPERM. AF_VSOCK, Bluetooth and the rest are not namespaced at all.
//   - socketpair(2) stays allowed: an unnamed pair only connects processes inside the sandbox.
//   - io_uring_setup/enter/register fail: io_uring can open and connect sockets without the socket syscall.
//   - pidfd_getfd fails: it copies a file descriptor (an open socket) out of another process.
//   - x86_64: x32 syscalls (nr | 0x40000000) fail; i386 processes (compat mode, their own syscall numbers)
//     cannot use socketcall, socket, io_uring or pidfd_getfd. Any other architecture value kills the process.
// Architectures we cannot describe have no filter: `seccompProgram` returns undefined and the bwrap probe then
// reports the sandbox as unavailable, so commands fall back to the known-read-only list (fail closed).
import {
  closeSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** seccomp_data offsets: nr (int), arch (u32), instruction_pointer (u64), args[6] (u64, little-endian). */
const NR = 0;
const ARCH = 4;
const arg = (i: number) => 16 + 8 * i; // low 32 bits on little-endian machines

const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;
const AUDIT_ARCH_AARCH64 = 0xc00000b7;
const AUDIT_ARCH_RISCV64 = 0xc00000f3;

const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const NETLINK_ROUTE = 0;
const EPERM = 1;

const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000 | EPERM;
const RET_KILL_PROCESS = 0x80000000;

/** BPF opcodes (linux/bpf_common.h). */
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;

interface NativeTable {
  audit: number;
  socket: number;
  /** Syscalls that fail with EPERM whatever their arguments. */
  denied: number[];
  /** x86_64's x32 ABI bit: any nr at or above it is refused. */
  x32?: number;
  /** The compat architecture this kernel also runs (i386 on x86_64), with the syscalls it may not use. */
  compat?: { audit: number; denied: number[] };
}

// io_uring_setup/enter/register are 425–427 and pidfd_getfd 438 in every table since Linux 5.1/5.6.
const IO_URING_AND_PIDFD_GETFD = [425, 426, 427, 438];

const TABLES: Record<string, NativeTable> = {
  x64: {
    audit: AUDIT_ARCH_X86_64,
    socket: 41,
    denied: IO_URING_AND_PIDFD_GETFD,
    x32: 0x40000000,
    // i386: socketcall 102 multiplexes every socket call (its arguments are behind a pointer, so all of it),
    // socket 359.
    compat: { audit: AUDIT_ARCH_I386, denied: [102, 359, ...IO_URING_AND_PIDFD_GETFD] },
  },
  // The generic syscall table; no compat tasks are allowed through (arm32 on arm64 is killed).
  arm64: { audit: AUDIT_ARCH_AARCH64, socket: 198, denied: IO_URING_AND_PIDFD_GETFD },
  riscv64: { audit: AUDIT_ARCH_RISCV64, socket: 198, denied: IO_URING_AND_PIDFD_GETFD },
};

type Insn = { code: number; k: number; jt?: string; jf?: string } | { label: string };

/**
 * The compiled filter (struct sock_filter[], 8 bytes each: u16 code, u8 jt, u8 jf, u32 k, little-endian) for
 * `arch` (a `process.arch` value), or undefined when we have no syscall table for it.
 */
export function seccompProgram(arch: string = process.arch): Buffer | undefined {
  const t = TABLES[arch];
  if (!t) return undefined;
  const p: Insn[] = [];
  const ld = (k: number) => p.push({ code: LD_W_ABS, k });
  const jeq = (k: number, jt: string, jf?: string) => p.push({ code: JEQ_K, k, jt, jf });
  const ret = (k: number) => p.push({ code: RET_K, k });
  const label = (name: string) => p.push({ label: name });

  ld(ARCH);
  jeq(t.audit, "native");
  if (t.compat) jeq(t.compat.audit, "compat");
  ret(RET_KILL_PROCESS);

  label("native");
  ld(NR);
  if (t.x32 !== undefined) p.push({ code: JGE_K, k: t.x32, jt: "deny" });
  jeq(t.socket, "socket");
  for (const nr of t.denied) jeq(nr, "deny");
  ret(RET_ALLOW);

  label("socket");
  ld(arg(0));
  jeq(AF_INET, "allow");
  jeq(AF_INET6, "allow");
  jeq(AF_NETLINK, "netlink", "deny");
  label("netlink");
  ld(arg(2));
  jeq(NETLINK_ROUTE, "allow", "deny");

  if (t.compat) {
    label("compat");
    ld(NR);
    for (const nr of t.compat.denied) jeq(nr, "deny");
    ret(RET_ALLOW);
  }

  label("allow");
  ret(RET_ALLOW);
  label("deny");
  ret(RET_ERRNO);
  return assemble(p);
}

/** Resolves labels into the 8-bit forward offsets classic BPF jumps use (a missing label means "next"). */
function assemble(program: Insn[]): Buffer {
  const at = new Map<string, number>();
  const insns: Exclude<Insn, { label: string }>[] = [];
  for (const insn of program) {
    if ("label" in insn) at.set(insn.label, insns.length);
    else insns.push(insn);
  }
  const out = Buffer.alloc(insns.length * 8);
  insns.forEach((insn, i) => {
    const offset = (name: string | undefined) => {
      if (name === undefined) return 0;
      const target = at.get(name);
      if (target === undefined || target <= i || target - i - 1 > 255) throw new Error(`bad jump ${name}`);
      return target - i - 1;
    };
    out.writeUInt16LE(insn.code, i * 8);
    out.writeUInt8(offset(insn.jt), i * 8 + 2);
    out.writeUInt8(offset(insn.jf), i * 8 + 3);
    out.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return out;
}

/** The unlinked file holding the program (null: no program for this architecture). */
let source: number | null | undefined;

/**
 * A fresh read-only descriptor of the compiled program, positioned at its start, for one bwrap run (bwrap reads
 * it to the end and closes it; the caller closes its own copy after spawning). Undefined when this architecture
 * has no filter. The program is written once per process to a private file that is unlinked at once, so no
 * command can replace it later even though the temporary directory is writable inside the sandbox; each run
 * reopens it through /proc/self/fd for its own file offset.
 */
export function openSeccompProgram(): number | undefined {
  if (source === undefined) source = writeSource();
  if (source === null) return undefined;
  return openSync(`/proc/self/fd/${source}`, "r");
}

function writeSource(): number | null {
  const program = seccompProgram();
  if (!program) return null;
  const dir = mkdtempSync(join(tmpdir(), "codex-litellm-seccomp-"));
  const path = join(dir, "filter.bpf");
  try {
    writeFileSync(path, program, { mode: 0o400, flag: "wx" });
    const fd = openSync(path, "r");
    // What we opened must be what we wrote, byte for byte; anything else refuses the sandbox.
    const back = Buffer.alloc(program.length + 1);
    const n = readSync(fd, back, 0, back.length, 0);
    if (n !== program.length || !back.subarray(0, n).equals(program) || fstatSync(fd).size !== n) {
      closeSync(fd);
      throw new Error("the seccomp program file changed while it was written");
    }
    return fd;
  } finally {
    // The file, then the directory: two system calls where rmSync's recursive walk costs a millisecond on
    // every start. Anything left over (the write failed half-way) is removed the thorough way.
    try {
      unlinkSync(path);
      rmdirSync(dir);
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
