import assert from "node:assert/strict";
import { test } from "node:test";
import type { ShellEnvironmentPolicy } from "../../config/types.ts";
import { buildCommandEnv, globToRegExp } from "./env.ts";

const policy = (p: Partial<ShellEnvironmentPolicy> = {}): ShellEnvironmentPolicy => ({
  inherit: "all",
  ignoreDefaultExcludes: false,
  exclude: [],
  includeOnly: [],
  set: {},
  ...p,
});

const base = {
  PATH: "/bin",
  HOME: "/home/u",
  LANG: "C.UTF-8",
  PWD: "/somewhere",
  EDITOR: "vi",
  AWS_SECRET_ACCESS_KEY: "s",
  GITHUB_TOKEN: "t",
  my_api_key: "k",
  LITELLM_API_KEY: "sk-gateway",
  OPENAI_BASE_URL: "http://x",
  UNSET: undefined,
};

test("inherit all drops KEY/SECRET/TOKEN names (case-insensitive) and undefined values", () => {
  const env = buildCommandEnv(policy(), base);
  assert.deepEqual(Object.keys(env).sort(), ["EDITOR", "HOME", "LANG", "OPENAI_BASE_URL", "PATH", "PWD"]);
});

test("ignoreDefaultExcludes keeps secrets except the gateway key and named secrets", () => {
  const env = buildCommandEnv(
    policy({ ignoreDefaultExcludes: true }),
    { ...base, MY_GATEWAY: "g" },
    {
      secretNames: ["my_gateway"],
    },
  );
  assert.equal(env.GITHUB_TOKEN, "t");
  assert.equal(env.my_api_key, "k");
  assert.equal(env.LITELLM_API_KEY, undefined);
  assert.equal(env.MY_GATEWAY, undefined);
});

test("inherit core and none", () => {
  assert.deepEqual(Object.keys(buildCommandEnv(policy({ inherit: "core" }), base)).sort(), [
    "HOME",
    "LANG",
    "PATH",
  ]);
  assert.deepEqual(buildCommandEnv(policy({ inherit: "none" }), base), {});
  const android = buildCommandEnv(
    policy({ inherit: "core" }),
    { ...base, PREFIX: "/data/usr" },
    { platform: "android" },
  );
  assert.equal(android.PREFIX, "/data/usr");
});

test("exclude globs are case-insensitive with * ? and classes", () => {
  const env = buildCommandEnv(policy({ exclude: ["open*", "?ATH", "[a-e]DITOR"] }), base);
  assert.deepEqual(Object.keys(env).sort(), ["HOME", "LANG", "PWD"]);
});

test("set always applies, even over excluded names; include_only filters last", () => {
  const env = buildCommandEnv(
    policy({ exclude: ["EDITOR"], set: { EDITOR: "nano", CI: "1", LITELLM_API_KEY: "x" } }),
    base,
  );
  assert.equal(env.EDITOR, "nano");
  assert.equal(env.CI, "1");
  assert.equal(env.LITELLM_API_KEY, "x");
  const only = buildCommandEnv(
    policy({ includeOnly: ["PATH", "h*", "CI"], set: { CI: "1", FOO: "2" } }),
    base,
  );
  assert.deepEqual(only, { PATH: "/bin", HOME: "/home/u", CI: "1" });
});

test("globToRegExp", () => {
  assert.ok(globToRegExp("A*").test("abc"));
  assert.ok(!globToRegExp("A?").test("abc"));
  assert.ok(globToRegExp("[!x]y").test("ay"));
  assert.ok(!globToRegExp("[!x]y").test("xy"));
  assert.ok(globToRegExp("a.b").test("A.B"));
  assert.ok(!globToRegExp("a.b").test("axb"));
  assert.ok(globToRegExp("a[b").test("a[b"));
});

test("addresses of servers that run things outside the sandbox never reach commands", () => {
  const sockets = {
    TMUX: "/tmp/tmux-0/default,1234,0",
    TMUX_PANE: "%1",
    STY: "1234.pts-0.host",
    SSH_AUTH_SOCK: "/tmp/ssh-x/agent.1",
    SSH_AGENT_PID: "99",
    DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/0/bus",
    DISPLAY: ":0",
    WAYLAND_DISPLAY: "wayland-0",
    XAUTHORITY: "/root/.Xauthority",
    GPG_AGENT_INFO: "/run/user/0/gnupg/S.gpg-agent:0:1",
    DOCKER_HOST: "unix:///var/run/docker.sock",
    KITTY_LISTEN_ON: "unix:/tmp/kitty",
    VSCODE_IPC_HOOK_CLI: "/run/user/0/vscode-ipc.sock",
    WSL_INTEROP: "/run/WSL/1_interop",
  };
  for (const p of [policy(), policy({ ignoreDefaultExcludes: true })]) {
    const env = buildCommandEnv(p, { ...base, ...sockets });
    for (const name of Object.keys(sockets)) assert.equal(env[name], undefined, name);
    assert.equal(env.EDITOR, "vi");
  }
  // An explicit `set` is the user's own choice.
  assert.equal(buildCommandEnv(policy({ set: { DISPLAY: ":1" } }), sockets).DISPLAY, ":1");
});
