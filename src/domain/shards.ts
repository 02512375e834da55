/**
 * Data shards (docs/scaling.md 4.1): pure rules, no D1. Shard 0 is the control-plane database
 * itself; shards 1…N−1 are further D1 databases bound as DB_SHARD_1…
 */

/** The D1 binding of a shard: shard 0 is `DB`, the control plane; shard n is `DB_SHARD_n`. */
export function shardBindingName(shard: number): string {
  return shard === 0 ? "DB" : `DB_SHARD_${shard}`;
}

/**
 * The shard a new organisation goes to: the one holding the fewest organisations (ties: the lowest
 * number), so organisations spread evenly as they arrive. `counts[i]` = organisations in shard i.
 */
export function leastLoadedShard(counts: readonly number[]): number {
  if (counts.length === 0) throw new Error("no shards");
  let best = 0;
  for (let shard = 1; shard < counts.length; shard++) if (counts[shard]! < counts[best]!) best = shard;
  return best;
}

/** A per-isolate map entry with an expiry: the shard maps change rarely (a move), reads are constant. */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, nowMs: number): void {
    // Re-inserting moves the key to the end of the Map's order, so the first key is the oldest.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt: nowMs + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Retry-After of a write refused while its organisation is being moved (the copy of a small organisation takes seconds). */
export const MOVE_RETRY_AFTER_SECONDS = 30;

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Writes to an organisation wait while it is being moved: they would land in the shard being emptied. */
export function refusedWhileMoving(method: string, movingTo: number | null): boolean {
  return movingTo !== null && !READ_METHODS.has(method.toUpperCase());
}

/**
 * The shards open to new organisations, from NEW_ORGANISATION_SHARDS ("0,1"; wrangler.toml): numbers
 * of bound shards only, without repeats. Unset or nothing valid: shard 0 alone.
 */
export function openShards(setting: string | undefined, shardCount: number): number[] {
  const shards = [...new Set((setting ?? "").split(",").map((part) => part.trim()).filter((part) => /^\d+$/.test(part)).map(Number))].filter((shard) => shard < shardCount);
  return shards.length > 0 ? shards.sort((x, y) => x - y) : [0];
}
