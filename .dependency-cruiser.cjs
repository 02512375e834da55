/**
 * The layer rules of docs/architecture.md, checked by `npm run lint:layers` (part of `npm test`).
 * Each rule names the layer and what it must not reach; a rule's `from` is the importing file.
 */
const APP = "^(src|web)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment: "src/domain is plain TypeScript: it imports other domain modules and pure libraries (zod, mimetext), nothing of the app, no Hono, no D1.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { pathNot: ["^src/domain/", "^node_modules/zod/", "^node_modules/mimetext/"] },
    },
    {
      name: "contracts-are-schemas",
      comment: "src/contracts holds request/response schemas shared with the web app: domain and zod only.",
      severity: "error",
      from: { path: "^src/contracts/" },
      to: { path: APP, pathNot: ["^src/contracts/", "^src/domain/"] },
    },
    {
      name: "db-below-routes-and-jobs",
      comment: "src/db (schema and queries) imports domain, lib and the env types only: never routes, jobs, auth, seed or contracts.",
      severity: "error",
      from: { path: "^src/db/" },
      to: { path: APP, pathNot: ["^src/db/", "^src/domain/", "^src/lib/", "^src/env\\.ts$"] },
    },
    {
      name: "lib-is-plumbing",
      comment: "src/lib (HTTP problems, ids, CSV, XLSX, OpenAPI helpers) imports domain and env types only.",
      severity: "error",
      from: { path: "^src/lib/" },
      to: { path: APP, pathNot: ["^src/lib/", "^src/domain/", "^src/env\\.ts$"] },
    },
    {
      name: "auth-below-routes",
      comment: "src/auth imports db, domain, lib and env only.",
      severity: "error",
      from: { path: "^src/auth/" },
      to: { path: APP, pathNot: ["^src/auth/", "^src/db/", "^src/domain/", "^src/lib/", "^src/env\\.ts$"] },
    },
    {
      name: "jobs-not-routes",
      comment: "Queue consumers and cron (src/jobs) import domain, db, lib, auth and env: never routes, contracts or the demo seed.",
      severity: "error",
      from: { path: "^src/jobs/" },
      to: { path: APP, pathNot: ["^src/jobs/", "^src/db/", "^src/domain/", "^src/lib/", "^src/auth/", "^src/env\\.ts$"] },
    },
    {
      name: "routes-layer",
      comment: "Routes import domain, contracts, db, lib, auth, jobs (to enqueue) and env.",
      severity: "error",
      from: { path: "^src/routes/" },
      to: { path: APP, pathNot: ["^src/routes/", "^src/contracts/", "^src/db/", "^src/domain/", "^src/lib/", "^src/auth/", "^src/jobs/", "^src/seed/", "^src/env\\.ts$"] },
    },
    {
      name: "seed-only-from-dev-route",
      comment: "The demo seed is reachable only from the dev route (and tests), never from production paths.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/seed/", "^src/routes/dev\\.ts$"] },
      to: { path: "^src/seed/" },
    },
    {
      name: "sql-lives-in-db",
      comment:
        "Every SQL statement lives in src/db: routes, jobs, contracts, auth and the demo seed do not import drizzle or the table definitions.",
      severity: "error",
      from: { path: "^src/(routes|jobs|contracts|auth|seed)/" },
      to: { path: ["^node_modules/drizzle-orm/", "^src/db/[a-z-]*schema\\.ts$"] },
    },
    {
      name: "web-sees-domain-and-contracts",
      comment: "The web app imports its own modules, src/domain and src/contracts: never db, routes, jobs, auth or lib.",
      severity: "error",
      from: { path: "^web/" },
      to: { path: "^src/", pathNot: ["^src/domain/", "^src/contracts/"] },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing is a typo or a missing dependency.",
      severity: "error",
      from: { path: APP },
      to: { couldNotResolve: true, pathNot: ["^cloudflare:"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".d.ts"],
    },
  },
};
