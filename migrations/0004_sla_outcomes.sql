-- Stored SLA outcomes per milestone, business milliseconds to each milestone and the local date of
-- receipt on complaints, so complaint analytics groups them in SQL instead of walking the business
-- calendar per complaint.
-- They depend on the organisation's policies and calendar, which SQL cannot evaluate: existing rows
-- start with sla_outcome_basis NULL, readers compute those rows as before (same answers, slower),
-- and the SLA sweep (cron, every 5 minutes) backfills them through the partial index below.
-- Also: the partial index for the cron's sweep of completed responses whose follow-up is pending.
ALTER TABLE `complaints` ADD `acknowledge_sla_outcome` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `first_response_sla_outcome` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `resolution_sla_outcome` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `acknowledge_breached_after` integer;--> statement-breakpoint
ALTER TABLE `complaints` ADD `first_response_breached_after` integer;--> statement-breakpoint
ALTER TABLE `complaints` ADD `resolution_breached_after` integer;--> statement-breakpoint
ALTER TABLE `complaints` ADD `acknowledge_business_ms` integer;--> statement-breakpoint
ALTER TABLE `complaints` ADD `first_response_business_ms` integer;--> statement-breakpoint
ALTER TABLE `complaints` ADD `resolution_business_ms` integer;--> statement-breakpoint
ALTER TABLE `complaints` ADD `received_local_date` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `sla_outcome_basis` text;--> statement-breakpoint
CREATE INDEX `complaints_sla_outcome_pending_idx` ON `complaints` (`organization_id`) WHERE sla_outcome_basis IS NULL;--> statement-breakpoint
CREATE INDEX `responses_follow_up_pending_idx` ON `responses` (`completed_at`) WHERE status = 'completed' AND triggers_evaluated_at IS NULL;