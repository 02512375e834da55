import { describe, expect, it } from "vitest";
import { ExpiringMap, leastLoadedShard, openShards, refusedWhileMoving, shardBindingName } from "../../src/domain/shards";

describe("shard rules", () => {
  it("names shard 0 DB (the control plane) and the others DB_SHARD_n", () => {
    expect([0, 1, 2].map(shardBindingName)).toEqual(["DB", "DB_SHARD_1", "DB_SHARD_2"]);
  });

  it("places a new organisation in the shard with the fewest, the lowest number on a tie", () => {
    expect(leastLoadedShard([3, 1, 2])).toBe(1);
    expect(leastLoadedShard([2, 2])).toBe(0);
    expect(() => leastLoadedShard([])).toThrow();
  });

  it("reads the open shards from the setting, keeping only bound shard numbers", () => {
    expect(openShards("0,1", 2)).toEqual([0, 1]);
    expect(openShards(" 1 , 1,0 ", 2)).toEqual([0, 1]);
    expect(openShards("1,5,x", 2)).toEqual([1]);
    expect(openShards(undefined, 2)).toEqual([0]);
    expect(openShards("7", 2)).toEqual([0]);
  });

  it("refuses writes, not reads, while an organisation moves", () => {
    expect(refusedWhileMoving("POST", 1)).toBe(true);
    expect(refusedWhileMoving("delete", 0)).toBe(true);
    expect(refusedWhileMoving("GET", 1)).toBe(false);
    expect(refusedWhileMoving("POST", null)).toBe(false);
  });

  it("forgets a cached placement when it expires, and the oldest entry first when full", () => {
    const map = new ExpiringMap<number>(1_000, 2);
    map.set("a", 1, 0);
    expect(map.get("a", 999)).toBe(1);
    expect(map.get("a", 1_000)).toBeUndefined();
    map.set("a", 1, 0);
    map.set("b", 2, 0);
    map.set("c", 3, 0);
    expect(map.get("a", 1)).toBeUndefined();
    expect(map.get("c", 1)).toBe(3);
  });
});
