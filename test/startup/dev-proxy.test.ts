import { createServer, type Server, type Socket } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Miniflare, type Request } from "miniflare";
import { freePort } from "../free-port";
import { singleRequest } from "./probe";

/**
 * Issue 10's hang, reproduced without waiting for luck. `npm start` serves through wrangler dev's
 * ProxyWorker, which forwards each request to the Worker over a keep-alive connection. When that
 * connection is lost (workerd closes idle keep-alive connections after 5 s, so a request sent as it
 * closes fails with "Network connection lost"), wrangler 4.86's ProxyWorker compares the request's
 * full URL with the Worker's base URL, decides "the Worker is being replaced", and parks a GET in a
 * retry queue that only a reload or the NEXT request ever drains: the request hangs until someone
 * else asks something (upstream cloudflare/workers-sdk#14593, #14641). patches/ fixes the file that
 * wrangler runs; this test runs that very file in Miniflare, as wrangler's ProxyController does,
 * in front of a stand-in Worker whose first connection drops like a stale keep-alive connection.
 */
const require = createRequire(import.meta.url);
const proxyWorkerPath = join(dirname(require.resolve("wrangler/package.json")), "wrangler-dist", "ProxyWorker.js");
const CONTROLLER_SECRET = "proxy-controller-secret";

/** A stand-in user Worker: drops the connections numbered in `drop` on their request, answers the rest. */
function flakyUpstream(drop: ReadonlySet<number>): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    const index = connections++;
    socket.once("data", (chunk) => {
      if (drop.has(index)) {
        socket.destroy();
        return;
      }
      const path = /^[A-Z]+ (\S+)/.exec(chunk.toString("latin1"))?.[1] ?? "?";
      const body = JSON.stringify({ path });
      socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    resolve({ server, port: typeof address === "object" && address ? address.port : 0, connections: () => connections });
  }));
}

describe("wrangler dev's proxy in front of the Worker (npm start)", () => {
  let mf: Miniflare;
  let upstream: Awaited<ReturnType<typeof flakyUpstream>>;
  let origin: string;
  const controllerMessages: unknown[] = [];

  beforeAll(async () => {
    // Connection 0: the first GET's; 2: the POST's (the GET's retry is connection 1).
    upstream = await flakyUpstream(new Set([0, 2]));
    const port = await freePort();
    mf = new Miniflare({
      host: "127.0.0.1",
      port,
      workers: [
        {
          name: "ProxyWorker",
          compatibilityDate: "2023-12-18",
          compatibilityFlags: ["nodejs_compat"],
          modulesRoot: dirname(proxyWorkerPath),
          modules: [{ type: "ESModule", path: proxyWorkerPath }],
          durableObjects: { DURABLE_OBJECT: { className: "ProxyWorker", unsafePreventEviction: true } },
          serviceBindings: {
            PROXY_CONTROLLER: async (req: Request) => {
              controllerMessages.push(await req.json());
              return new Response(null, { status: 204 });
            },
          },
          bindings: { PROXY_CONTROLLER_AUTH_SECRET: CONTROLLER_SECRET },
          cache: false,
          unsafeEphemeralDurableObjects: true,
        },
      ],
    });
    await mf.ready;
    origin = `http://127.0.0.1:${port}`;
    // What wrangler's ProxyController sends once the Worker is up.
    await mf.dispatchFetch("http://dummy/cdn-cgi/ProxyWorker/play", {
      headers: { Authorization: CONTROLLER_SECRET },
      cf: { hostMetadata: { type: "play", proxyData: { userWorkerUrl: { protocol: "http:", hostname: "127.0.0.1", port: String(upstream.port) }, headers: {}, liveReload: false } } },
    });
  }, 60_000);

  afterAll(async () => {
    await mf?.dispose();
    upstream?.server.close();
  });

  it("answers a GET whose connection to the Worker was lost, without waiting for another request", async () => {
    const first = await singleRequest(origin, "/healthz");
    expect(first.status, `GET /healthz after a lost connection: ${first.status} in ${first.ms} ms`).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ path: "/healthz" });
  });

  it("answers a POST whose connection was lost with an honest error instead of hanging, and keeps serving", async () => {
    const post = await singleRequest(origin, "/api/public/surveys/demo-acsi/responses", { method: "POST", body: "{}" });
    expect(post.status).toBe(502);
    expect(post.body).toMatch(/lost its connection to the Worker/);
    const next = await singleRequest(origin, "/s/demo-acsi");
    expect(next.status).toBe(200);
    // Not reported to wrangler as a ProxyWorker error: in wrangler 4.86 that report ends `wrangler dev`.
    expect(controllerMessages.filter((m) => (m as { type?: string }).type === "error")).toEqual([]);
  });
});
