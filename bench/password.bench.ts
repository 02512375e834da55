/**
 * CPU cost of one password hash in workerd (docs/security.md, issue 12 finding 7): one segment of
 * 100,000 PBKDF2-HMAC-SHA256 iterations (the development cost and the earlier production cost) and six
 * (OWASP's 600,000), against an empty request in the same run. Interleaved rounds, medians.
 */
import { Miniflare } from "miniflare";

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const mf = new Miniflare({ modules: true, scriptPath: "bench/password-worker.js", compatibilityDate: "2026-04-26", cf: false });
const times: Record<number, number[]> = { 0: [], 1: [], 6: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const segments of [0, 1, 6]) {
      const started = performance.now();
      await (await mf.dispatchFetch(`http://bench/?segments=${segments}`)).text();
      times[segments]!.push(performance.now() - started);
    }
  }
} finally {
  await mf.dispose();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const base = median(times[0]!);
for (const segments of [1, 6]) {
  const cost = median(times[segments]!) - base;
  console.log(`${segments * 100_000} iterations: ${cost.toFixed(1)} ms per hash (median minus the empty request's ${base.toFixed(1)} ms; fastest ${(Math.min(...times[segments]!) - Math.min(...times[0]!)).toFixed(1)} ms)`);
}
console.log(`ratio 600k / 100k: ${((median(times[6]!) - base) / (median(times[1]!) - base)).toFixed(2)}`);
