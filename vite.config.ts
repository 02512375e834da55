import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import { resolve } from "node:path";

// The staff/manager app (web/index.html) and the small enhancement script of the server-rendered
// survey pages are built into dist/web, which wrangler serves as static assets.
export default defineConfig({
  root: resolve(import.meta.dirname, "web"),
  base: "/",
  plugins: [preact()],
  build: {
    outDir: resolve(import.meta.dirname, "dist/web"),
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: {
      input: {
        app: resolve(import.meta.dirname, "web/index.html"),
        "survey-enhance": resolve(import.meta.dirname, "web/survey/enhance.ts"),
      },
      output: {
        // The survey page is rendered by the Worker and links this script by a stable name.
        entryFileNames: (chunk) => (chunk.name === "survey-enhance" ? "assets/survey-enhance.js" : "assets/[name]-[hash].js"),
      },
    },
  },
});
