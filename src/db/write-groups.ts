/**
 * Group commit for the submit path (issue 16, docs/scaling.md "seventh pass"): the write batches of
 * submissions that arrive while another one's D1 call is in flight are sent together, as ONE D1 batch,
 * when that call returns. A D1 round trip has a fixed cost (≈ 0.4–0.5 ms of CPU locally, one request
 * of the database's single thread on Cloudflare) whatever it carries, so under load each submission
 * pays a share of it; alone, a submission goes at once and waits for nobody.
 *
 * Why this is safe: a D1 batch is one transaction and runs its statements in order, so the group runs
 * exactly as the members' batches would one after another. Each member's statements gate each other
 * on the member's own nonce (src/db/queries/responses.ts), never on another member's. If the group's
 * batch fails (one bad statement rolls back the whole transaction), nothing of it was written and every
 * member runs its own batch alone, so one member's error stays its own.
 *
 * Workers specifics: the batch is sent by one member (the leader) from its own request, with
 * statements it prepares itself from plain SQL and values (a prepared statement is an I/O object of
 * the request that made it). The others wait on their own short timers and look at their answer
 * slot: code resumed by a promise another request resolves would run in that request's context. The
 * wait has a limit: if the group has not answered within WAIT_LIMIT_MS (its leader's request was
 * cancelled), the member runs its own batch alone. That is safe after a lost answer too: a batch that already committed
 * writes nothing the second time (the insert is idempotent on survey × submissionId and everything
 * else is gated on it), and the caller then reports the stored response.
 */

/** Most submissions in one group: 8 × up to 4 statements stays below the Workers free plan's 50 D1 queries per invocation. */
export const MAX_GROUP_MEMBERS = 8;
/** How long a member waits for its group before it runs its batch alone. */
export const WAIT_LIMIT_MS = 5_000;
/** How often a waiting member looks whether its group has been answered (its own timer). */
const POLL_MS = 1;

/**
 * A statement as plain SQL and values. Members hand these to the leader, which prepares them on its
 * own client: a prepared statement belongs to the request that made it, and workerd refuses I/O
 * through one request's objects on behalf of another.
 */
export type PlainStatement = { sql: string; params: unknown[] };

/** The D1 results of one member's statements, and the session bookmark after the group's batch. */
export type GroupResult<T> = { results: D1Result<T>[]; bookmark: string | null };

type Outcome = { kind: "done"; result: GroupResult<unknown> } | { kind: "lead" } | { kind: "alone" };

/** A queued submission; `outcome` is set once, by the leader that sends its group (or by its own watchdog). */
type Member = { statements: PlainStatement[]; outcome: Outcome | null };

type Line = { members: Member[]; flushing: boolean; groupStartedAt: number };

/** One line per database (shard) and isolate: members of different databases never share a batch. */
const lines = new Map<string, Line>();

/** Counters for tests and the benchmark: how many D1 batches carried how many members. */
export const writeGroupStats = { batches: 0, members: 0, alone: 0 };

const settle = (member: Member, outcome: Outcome) => {
  if (!member.outcome) member.outcome = outcome;
};

/**
 * Runs `statements` as one D1 batch — together with those of other submissions queued for the same
 * database meanwhile. `key` names the database (its shard); `d1` is this request's client of it;
 * `bookmarkOf` reads the client's session bookmark after a batch (null without a session).
 */
export async function batchInGroup<T>(
  key: string,
  d1: D1Database,
  statements: PlainStatement[],
  bookmarkOf: () => string | null,
): Promise<GroupResult<T>> {
  let line = lines.get(key);
  if (!line) {
    line = { members: [], flushing: false, groupStartedAt: 0 };
    lines.set(key, line);
  }
  const me: Member = { statements, outcome: null };
  line.members.push(me);
  if (!line.flushing) {
    line.flushing = true;
    me.outcome = { kind: "lead" };
  }
  // A waiting member wakes on its own timer, never on a promise another request resolves: code woken
  // by another request would run in that request's context, where this request's D1 session,
  // queue and response objects cannot be used.
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!me.outcome) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (!me.outcome && Date.now() >= deadline) {
      const at = line.members.indexOf(me);
      if (at >= 0) line.members.splice(at, 1);
      // A leader silent for the whole wait was cancelled with its request: let the next arrival lead.
      if (line.flushing && Date.now() - line.groupStartedAt >= WAIT_LIMIT_MS) line.flushing = false;
      settle(me, { kind: "alone" });
    }
  }
  const outcome: Outcome = me.outcome;
  if (outcome.kind === "done") return outcome.result as GroupResult<T>;
  if (outcome.kind === "alone") return alone<T>(d1, statements, bookmarkOf);
  return lead<T>(line, me, d1, bookmarkOf);
}

const prepared = (d1: D1Database, statements: PlainStatement[]) => statements.map(({ sql, params }) => d1.prepare(sql).bind(...params));

async function alone<T>(d1: D1Database, statements: PlainStatement[], bookmarkOf: () => string | null): Promise<GroupResult<T>> {
  writeGroupStats.alone++;
  const results = await d1.batch<T>(prepared(d1, statements));
  return { results, bookmark: bookmarkOf() };
}

/** Sends the group at the head of the line (`me` first), answers its members, hands the line on. */
async function lead<T>(line: Line, me: Member, d1: D1Database, bookmarkOf: () => string | null): Promise<GroupResult<T>> {
  const group = line.members.splice(0, MAX_GROUP_MEMBERS);
  if (group[0] !== me) throw new Error("write group: the leader must head its group");
  line.groupStartedAt = Date.now();
  let mine: GroupResult<T> | null = null;
  try {
    if (group.length === 1) {
      mine = { results: await d1.batch<T>(prepared(d1, me.statements)), bookmark: bookmarkOf() };
    } else {
      let all: D1Result<T>[] | null = null;
      try {
        all = await d1.batch<T>(prepared(d1, group.flatMap((member) => member.statements)));
      } catch {
        // The transaction rolled back: nothing of the group was written. Each member tries alone.
        for (const member of group) if (member !== me) settle(member, { kind: "alone" });
      }
      if (all) {
        const bookmark = bookmarkOf();
        let at = 0;
        for (const member of group) {
          const result = { results: all.slice(at, at + member.statements.length), bookmark };
          at += member.statements.length;
          if (member === me) mine = result;
          else settle(member, { kind: "done", result });
        }
      }
    }
    writeGroupStats.batches++;
    writeGroupStats.members += group.length;
  } finally {
    // Whatever happened, the line moves on: the next waiting member leads the next group.
    const head = line.members[0];
    if (head) settle(head, { kind: "lead" });
    else line.flushing = false;
  }
  return mine ?? (await alone<T>(d1, me.statements, bookmarkOf));
}
