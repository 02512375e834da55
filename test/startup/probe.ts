import { request } from "node:http";
import { acsiAnswers } from "../acsi-answers";

/**
 * The newcomer's first minutes as a script: single requests, one at a time, each on a fresh
 * connection (like curl or a phone opening a link), separated by idle gaps in which nothing else
 * reaches the server. A request that is only released by some later request would time out here,
 * because no later request comes until it has answered.
 */
export const ANSWER_WITHIN_MS = 5_000;
export const IDLE_GAP_MS = 1_500;

export type ProbeResult = { step: string; path: string; status: number | "timeout" | "error"; ms: number; detail?: string };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One request on its own connection (no keep-alive pool), abandoned after `timeoutMs`. */
export function singleRequest(
  origin: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<{ status: number | "timeout" | "error"; ms: number; body: string; detail?: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = request(new URL(path, origin), { method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, ms: Date.now() - started, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ status: "timeout", ms: Date.now() - started, body: "" });
    }, options.timeoutMs ?? ANSWER_WITHIN_MS);
    req.on("error", (error) => {
      clearTimeout(timer);
      resolve({ status: "error", ms: Date.now() - started, body: "", detail: String(error) });
    });
    if (options.body) req.write(options.body);
    req.end();
  });
}

/** A complete ACSI answer set that trips the demo survey's complaint triggers (queue follow-up). */
const unhappyAnswers = () =>
  acsiAnswers({
    pq_overall: 2, pq_custom: 2, pq_reliability: 3, pv_price_given_quality: 2, pv_quality_given_price: 2,
    sat_overall: 2, sat_expectations: 2, sat_ideal: 1, complained: true,
    loy_repurchase: 2, loy_price_increase: 1, loy_price_decrease: 3, nps: 1, sat_level: 1,
    comment: "The delivery was late twice and nobody called back.",
  });

export type FirstMinutes = { results: ProbeResult[]; complaintsBefore: number; complaintsAfter: number; burstStatuses: number[] };

/**
 * After the seed: idle, then the first links a newcomer opens; a burst of submissions that need a
 * queue follow-up; idle; the same links; a pause long enough for the queue batch (max_batch_timeout
 * 1 s) to run; the same links again. Finally reads the complaint count to show the batch ran.
 */
export async function walkFirstMinutes(origin: string, apiKey: string): Promise<FirstMinutes> {
  const results: ProbeResult[] = [];
  const auth = { authorization: `Bearer ${apiKey}` };
  const links: { path: string; headers?: Record<string, string> }[] = [
    { path: "/healthz" },
    { path: "/s/demo-acsi" },
    { path: "/s/demo-acsi?lang=zh-CN" },
    { path: "/api/surveys", headers: auth },
  ];
  const openLinks = async (step: string) => {
    for (const link of links) {
      await sleep(IDLE_GAP_MS);
      const answer = await singleRequest(origin, link.path, { headers: link.headers });
      results.push({ step, path: link.path, status: answer.status, ms: answer.ms, detail: answer.detail });
    }
  };
  const complaintTotal = async () => {
    const answer = await singleRequest(origin, "/api/complaints?pageSize=1", { headers: auth, timeoutMs: 20_000 });
    if (typeof answer.status !== "number" || answer.status !== 200) throw new Error(`complaint count: ${answer.status} ${answer.body}`);
    return (JSON.parse(answer.body) as { total: number }).total;
  };

  await openLinks("after the seed");
  const complaintsBefore = await complaintTotal();
  const burst = await Promise.all(
    Array.from({ length: 12 }, () =>
      singleRequest(origin, "/api/public/surveys/demo-acsi/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ submissionId: crypto.randomUUID(), complete: true, answers: unhappyAnswers() }),
        timeoutMs: 20_000,
      }),
    ),
  );
  await openLinks("after a burst of submissions");
  // Nothing reaches the server while the queue delivers the burst's follow-ups.
  await sleep(6_000);
  await openLinks("after a queue batch");
  const complaintsAfter = await complaintTotal();
  return { results, complaintsBefore, complaintsAfter, burstStatuses: burst.map((b) => (typeof b.status === "number" ? b.status : -1)) };
}

export function slowAnswers(results: ProbeResult[]): ProbeResult[] {
  return results.filter((r) => r.status === "timeout" || r.status === "error" || r.status >= 500 || r.ms > ANSWER_WITHIN_MS);
}
