import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
  // Flat NNNN_name.sql files: wrangler and readD1Migrations only read top-level .sql files.
  migrations: { prefix: "index" },
});
