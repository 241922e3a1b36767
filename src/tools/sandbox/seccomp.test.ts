// The seccomp program, run through a small classic-BPF interpreter: what each architecture's filter answers for
// the syscalls that matter. bwrap.test.ts shows the kernel enforcing it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { seccompProgram } from "./seccomp.ts";

const ALLOW = "allow";
const EPERM = "EPERM";
const KILL = "kill";

/** Runs `program` on one seccomp_data {nr, arch, args}; returns allow, EPERM or kill. */
function run(program: Buffer, nr: number, arch: number, args: number[] = []): string {
  const data = Buffer.alloc(64);
  data.writeInt32LE(nr, 0);
  data.writeUInt32LE(arch, 4);
  for (const [i, a] of args.entries()) data.writeUInt32LE(a >>> 0, 16 + 8 * i);
  let acc = 0;
  for (let pc = 0; pc < program.length / 8; pc++) {
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) acc = data.readUInt32LE(k);
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x35) pc += acc >= k ? jt : jf;
    else if (code === 0x06) {
      if (k === 0x7fff0000) return ALLOW;
      if (k === 0x00050001) return EPERM;
      if (k === 0x80000000) return KILL;
      return `ret ${k.toString(16)}`;
    } else throw new Error(`unexpected opcode ${code.toString(16)}`);
  }
  throw new Error("fell off the end of the program");
}

const X86_64 = 0xc000003e;
const I386 = 0x40000003;
const AARCH64 = 0xc00000b7;
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const AF_VSOCK = 40;

describe("seccompProgram", () => {
  test("x86_64: only IP and routing-netlink sockets; no io_uring, pidfd_getfd, x32 or foreign architectures", () => {
    const p = seccompProgram("x64");
    assert.ok(p);
    assert.equal(p.length % 8, 0);
    const socket = (domain: number, protocol = 0) => run(p, 41, X86_64, [domain, 1, protocol]);
    assert.equal(socket(AF_UNIX), EPERM);
    // Only the low 32 bits of an int argument count, as in the kernel.
    assert.equal(run(p, 41, X86_64, [AF_UNIX + 2 ** 32]), EPERM);
    assert.equal(socket(AF_VSOCK), EPERM);
    assert.equal(socket(AF_INET), ALLOW);
    assert.equal(socket(AF_INET6), ALLOW);
    assert.equal(socket(AF_NETLINK, 0), ALLOW);
    assert.equal(socket(AF_NETLINK, 15), EPERM); // NETLINK_KOBJECT_UEVENT and friends are not namespaced
    assert.equal(run(p, 53, X86_64, [AF_UNIX]), ALLOW); // socketpair
    for (const nr of [425, 426, 427, 438]) assert.equal(run(p, nr, X86_64), EPERM, String(nr));
    assert.equal(run(p, 0x40000000 + 41, X86_64, [AF_INET]), EPERM); // x32 socket
    assert.equal(run(p, 0x40000000 + 39, X86_64), EPERM); // any x32 call
    for (const nr of [0, 1, 2, 39, 42, 59, 231]) assert.equal(run(p, nr, X86_64), ALLOW, String(nr));
    // i386 tasks: socketcall and socket refused, the rest as usual.
    assert.equal(run(p, 102, I386, [1]), EPERM);
    assert.equal(run(p, 359, I386, [AF_INET]), EPERM);
    assert.equal(run(p, 425, I386), EPERM);
    assert.equal(run(p, 360, I386, [AF_UNIX]), ALLOW); // socketpair
    assert.equal(run(p, 4, I386), ALLOW);
    assert.equal(run(p, 41, AARCH64, [AF_UNIX]), KILL);
  });

  test("aarch64 and riscv64 use the generic table; other architectures have no filter", () => {
    for (const [arch, audit] of [
      ["arm64", AARCH64],
      ["riscv64", 0xc00000f3],
    ] as const) {
      const p = seccompProgram(arch);
      assert.ok(p, arch);
      assert.equal(run(p, 198, audit, [AF_UNIX]), EPERM);
      assert.equal(run(p, 198, audit, [AF_INET6]), ALLOW);
      assert.equal(run(p, 199, audit, [AF_UNIX]), ALLOW);
      assert.equal(run(p, 425, audit), EPERM);
      assert.equal(run(p, 64, audit), ALLOW);
      assert.equal(run(p, 198, X86_64, [AF_INET]), KILL);
      assert.equal(run(p, 198, 0x40000028, [AF_INET]), KILL); // arm32 compat
    }
    for (const arch of ["ia32", "arm", "ppc64", "s390x", "mips"])
      assert.equal(seccompProgram(arch), undefined);
  });
});
