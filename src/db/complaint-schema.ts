/** Complaint-handling tables (issue: closing the loop). Filled in by the complaints module. */
export {};
