/**
 * What an anonymous survey may record about a personal invitation's use. The response stores no
 * invitation id and no e-mail, but if the invitation's opened/started/completed times were exact, they
 * could be joined with the response's own timestamps and the anonymity undone. So an anonymous
 * survey records them to the UTC day only: enough for "who has answered" and reminders, not for a join.
 */
export function invitationEventTime(now: Date, anonymous: boolean): number {
  if (!anonymous) return now.getTime();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}
