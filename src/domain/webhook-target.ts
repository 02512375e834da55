/**
 * Which URLs a webhook may be sent to (server-side request forgery guard).
 *
 * A webhook makes the Worker send a request to an address an admin typed in. In production that
 * address must be a public https host: never an IP literal in a private, loopback, link-local,
 * unique-local or otherwise non-public range (including IPv4 written inside IPv6), and never a
 * name that only resolves inside a network (`localhost`, `*.internal`, a single label …).
 * Local development and tests may use plain http and this machine, for local receivers.
 *
 * The check is on the URL as written. Host names are not resolved here (Workers have no DNS
 * API): a public name that resolves to a private address is left to the platform, whose outbound
 * fetch does not reach private networks.
 */
import { z } from "zod";
import { isProductionEnv } from "./deployment-config";

export type WebhookTargetRules = {
  /** http:// and local or private hosts are allowed (development and tests only). */
  allowLocalTargets: boolean;
};

/** The rules for an APP_ENV value: anything but "development" or "test" gets production's. */
export function webhookTargetRules(appEnv: string | undefined): WebhookTargetRules {
  return { allowLocalTargets: !isProductionEnv(appEnv) };
}

export type WebhookTargetRefusal = {
  code: "invalid_url" | "insecure_scheme" | "non_public_address" | "internal_host_name";
  message: string;
};

/** Name suffixes that only resolve inside a network (RFC 6761, RFC 6762, RFC 8375, common private zones). */
const INTERNAL_NAME_SUFFIXES = [".localhost", ".internal", ".local", ".localdomain", ".home.arpa", ".lan", ".intranet", ".corp"];

type Ipv4Range = { base: [number, number, number, number]; prefix: number; label: string };

/** IPv4 ranges that are not public internet hosts. */
const NON_PUBLIC_IPV4: Ipv4Range[] = [
  { base: [0, 0, 0, 0], prefix: 8, label: "the unspecified (“this network”) range 0.0.0.0/8" },
  { base: [10, 0, 0, 0], prefix: 8, label: "the private range 10.0.0.0/8" },
  { base: [100, 64, 0, 0], prefix: 10, label: "the carrier-grade NAT range 100.64.0.0/10" },
  { base: [127, 0, 0, 0], prefix: 8, label: "the loopback range 127.0.0.0/8" },
  { base: [169, 254, 0, 0], prefix: 16, label: "the link-local range 169.254.0.0/16 (cloud metadata lives here)" },
  { base: [172, 16, 0, 0], prefix: 12, label: "the private range 172.16.0.0/12" },
  { base: [192, 0, 0, 0], prefix: 24, label: "the IETF protocol range 192.0.0.0/24" },
  { base: [192, 168, 0, 0], prefix: 16, label: "the private range 192.168.0.0/16" },
  { base: [198, 18, 0, 0], prefix: 15, label: "the benchmarking range 198.18.0.0/15" },
  { base: [224, 0, 0, 0], prefix: 3, label: "the multicast, reserved and broadcast ranges 224.0.0.0/3" },
];

function parseIpv4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

function ipv4Refusal(octets: number[]): string | null {
  const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  for (const range of NON_PUBLIC_IPV4) {
    const base = ((range.base[0] << 24) | (range.base[1] << 16) | (range.base[2] << 8) | range.base[3]) >>> 0;
    const mask = range.prefix === 0 ? 0 : (0xffffffff << (32 - range.prefix)) >>> 0;
    if ((value & mask) >>> 0 === (base & mask) >>> 0) return range.label;
  }
  return null;
}

/** Eight 16-bit groups, or null when `text` is not an IPv6 address (brackets already removed). */
function parseIpv6(text: string): number[] | null {
  let head = text;
  const tail: number[] = [];
  // A trailing dotted IPv4 part (::ffff:10.0.0.1) counts as two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIpv4(dotted[2]!);
    if (!v4) return null;
    head = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const group = (g: string) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : Number.NaN);
  const left = halves[0] ? halves[0].split(":").map(group) : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(":").map(group) : [];
  if ([...left, ...right].some(Number.isNaN)) return null;
  const missing = 8 - left.length - right.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right, ...tail];
}

function ipv6Refusal(groups: number[]): string | null {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 0) return "the unspecified address ::";
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 1) return "the loopback address ::1";
  // IPv4 inside IPv6 reaches the same hosts as the IPv4 address: refused outright.
  if (upperZero && g5 === 0xffff) return "an IPv4-mapped IPv6 address (::ffff:0:0/96)";
  if (upperZero && g5 === 0) return "an IPv4-compatible IPv6 address (::/96)";
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    const embedded = ipv4Refusal([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
    if (embedded) return `a NAT64 address (64:ff9b::/96) of ${embedded}`;
  }
  // Transition prefixes carry an IPv4 address the relay unwraps: refused outright, like IPv4-mapped.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return "the local-use NAT64 range 64:ff9b:1::/48";
  if (g0 === 0x2002) return "the 6to4 range 2002::/16";
  if (g0 === 0x2001 && g1 === 0) return "the Teredo range 2001::/32";
  if ((g0 & 0xfe00) === 0xfc00) return "the unique-local range fc00::/7";
  if ((g0 & 0xffc0) === 0xfe80) return "the link-local range fe80::/10";
  if ((g0 & 0xffc0) === 0xfec0) return "the deprecated site-local range fec0::/10";
  if ((g0 & 0xff00) === 0xff00) return "the multicast range ff00::/8";
  return null;
}

/**
 * Why `url` may not receive webhooks under `rules`, or null when it may. Parsing goes through the
 * WHATWG URL parser, which also turns the tricks (http://2130706433/, http://0x7f.1/, [::ffff:7f00:1])
 * into the canonical form checked here.
 */
export function webhookTargetRefusal(url: string, rules: WebhookTargetRules): WebhookTargetRefusal | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { code: "invalid_url", message: "is not a valid absolute URL such as https://hooks.example.com/feedloop" };
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return { code: "insecure_scheme", message: `must start with https:// (not ${parsed.protocol}//)` };
  }
  if (rules.allowLocalTargets) return null;
  if (parsed.protocol !== "https:") {
    return { code: "insecure_scheme", message: "must start with https://: webhooks carry customer data and are only sent over TLS" };
  }
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  const refuseAddress = (range: string): WebhookTargetRefusal => ({
    code: "non_public_address",
    message: `points to ${host}, which is in ${range}; webhooks are only sent to public internet hosts — use the receiver's public host name`,
  });
  if (host.startsWith("[") && host.endsWith("]")) {
    const groups = parseIpv6(host.slice(1, -1));
    if (!groups) return { code: "invalid_url", message: `has a host (${host}) that is not a valid IPv6 address` };
    const range = ipv6Refusal(groups);
    return range ? refuseAddress(range) : null;
  }
  const ipv4 = parseIpv4(host);
  if (ipv4) {
    const range = ipv4Refusal(ipv4);
    return range ? refuseAddress(range) : null;
  }
  if (host === "localhost" || INTERNAL_NAME_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return { code: "internal_host_name", message: `points to ${host}, a name that only resolves inside a network; use the receiver's public host name` };
  }
  if (!host.includes(".")) {
    return { code: "internal_host_name", message: `points to ${host}, a single-label name that only resolves inside a network; use a fully qualified public host name` };
  }
  return null;
}

/** The URL field of a webhook endpoint, checked with `webhookTargetRefusal` (one issue, with its code). */
export function webhookTargetUrlSchema(rules: WebhookTargetRules) {
  return z
    .string()
    .max(2000)
    .superRefine((url, ctx) => {
      const refusal = webhookTargetRefusal(url, rules);
      if (refusal) ctx.addIssue({ code: "custom", message: refusal.message, params: { reason: refusal.code } });
    });
}
