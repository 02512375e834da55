import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const CLI = join(ROOT, "scripts", "text-cli.ts");
const workDir = mkdtempSync(join(tmpdir(), "text-cli-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function writeFile(name: string, content: string): string {
  const path = join(workDir, name);
  writeFileSync(path, content);
  return path;
}

function runCli(...args: string[]) {
  const result = spawnSync(TSX, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stdout.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line)) };
}

const comments = writeFile(
  "comments.csv",
  'text,topic\n送餐太慢了，饭菜都凉了,delivery\n"房间干净，服务很好，非常满意",stay\n"The staff were friendly and helpful.",stay\n"Delivery was late, the food was cold.",delivery\n',
);

// Each run starts tsx and decodes the weights: seconds on a loaded machine.
describe("text CLI", { timeout: 60_000 }, () => {
  it("writes one JSON line per row with language, sentiment and score", () => {
    const { status, stderr, lines } = runCli("--task", "sentiment", "--data", comments);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ language: "zh", sentiment: "negative" });
    expect(lines[2]).toMatchObject({ language: "en", sentiment: "positive" });
    expect(Object.keys(lines[0])).toEqual(["language", "sentiment", "score"]);
  });

  it("assigns the built-in topics, and trains and saves its own topic model with --train", () => {
    const builtIn = runCli("--task", "topic", "--data", comments);
    expect(builtIn.lines[1]).toMatchObject({ language: "zh", topic: "酒店" });
    expect(builtIn.lines[2].topic).toBeNull();

    const saved = join(workDir, "topics.json");
    const trained = runCli("--task", "topic", "--data", comments, "--train", comments, "--label-column", "topic", "--save", saved);
    expect(trained.status).toBe(0);
    expect(trained.lines.map((line) => line.topic)).toEqual(["delivery", "stay", "stay", "delivery"]);
    const reused = runCli("--task", "topic", "--data", comments, "--model", saved);
    expect(reused.lines).toEqual(trained.lines);
    const savedBundle = JSON.parse(readFileSync(saved, "utf8"));
    expect(savedBundle.version).toMatch(/^text-[0-9a-f]{8}\+[0-9a-f]{8}$/);
    // Trained on the features the built-in topic model reads, its length features included.
    const builtInBundle = JSON.parse(readFileSync(join(ROOT, "src", "domain", "text", "model", "text-model.json"), "utf8"));
    expect(builtInBundle.topics.lengthThresholds?.length).toBeGreaterThan(0);
    expect(savedBundle.topics.lengthThresholds).toEqual(builtInBundle.topics.lengthThresholds);
  });

  it("exits 2 on bad usage or weights and 1 on a missing column", () => {
    expect(runCli("--task", "mood", "--data", comments).status).toBe(2);
    expect(runCli("--task", "sentiment", "--data", comments, "--model", writeFile("bad.json", "{}")).status).toBe(2);
    const missing = runCli("--task", "sentiment", "--data", comments, "--text-column", "comment");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no "comment" column');
  });
});
