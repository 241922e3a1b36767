// The small subcommands (completion, sandbox, models, login/logout, doctor, trace, mcp), loaded together by one
// dynamic import. Each on its own would be a bundle entry of its own, and every entry that shares a module with
// `exec` splits exec's code into more chunks: Node 20 pays ~0.3-0.4 ms per ES module loaded, so one entry for
// all of them keeps the exec start-up path in fewer, larger chunks. Their own code is small.
export { completionScript } from "./commands/completion.ts";
export { runSandbox } from "./commands/sandbox.ts";
export { runDoctor } from "./modes/doctor.ts";
export { runLogin, runLogout } from "./modes/login.ts";
export { runMcpCommand } from "./modes/mcp-command.ts";
export { runModels } from "./modes/models.ts";
export { runTrace } from "./trace/index.ts";
