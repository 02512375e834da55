// `npm run deploy`: build, apply the D1 migrations to every database wrangler.toml declares (the control
// plane and each shard, remotely), then upload the Worker. Reading the bindings from wrangler.toml keeps a
// new shard a one-place change (the local start and the browser tests read the same list).
import { execFileSync } from "node:child_process";
import { d1Bindings } from "./local-env.mjs";

const run = (command, args) => execFileSync(command, args, { stdio: "inherit" });

run("npm", ["run", "build"]);
for (const binding of d1Bindings()) run("npx", ["wrangler", "d1", "migrations", "apply", binding, "--remote"]);
run("npx", ["wrangler", "deploy"]);
