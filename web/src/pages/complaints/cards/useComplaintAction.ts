import { useState } from "preact/hooks";
import type { ComplaintDetail, Member, Team } from "../types";

/** The pickers' reference data (members, teams, categories) every card may show. */
export type RefData = { members: Member[]; teams: Team[]; categories: string[] };

/** POSTs one staff action on the open complaint and shows the complaint the server returns. */
export type Run = (path: string, body: unknown, done?: string) => Promise<ComplaintDetail>;

/**
 * Busy and error state for one card's actions, handled in one place: `act` clears the last
 * error, marks the card busy while the work runs, and keeps a failure to show next to the form.
 * Resolves to the work's result, or to undefined when it failed.
 */
export function useComplaintAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  async function act<T>(work: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(undefined);
    try {
      return await work();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, act };
}
