// The small subcommands (completion, sandbox, models, login/logout, doctor, trace, mcp), loaded together by one
// dynamic import. Each on its own would be a bundle entry of its own, and every entry that shares a module with
// `exec` splits exec's code into more chunks: Node 20 pays ~0.3-0.4 ms per ES module loaded, so one entry for
// all of them keeps the exec start-up path in fewer, larger chunks. Their own code is small.
export { completionScript } from "./commands/completion.ts";
export { runDoctor } from "./commands/doctor.ts";
export { runMcpCommand } from "./commands/mcp.ts";
export { runModels } from "./commands/models.ts";
export { runSandbox } from "./commands/sandbox.ts";
export { runLogin, runLogout } from "./modes/common/login.ts";
export { runTrace } from "./trace/index.ts";
