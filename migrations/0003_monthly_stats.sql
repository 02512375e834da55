-- Calendar-month roll-ups of survey_daily_stats. Existing surveys start with monthly_through_id NULL:
-- readers keep using the day rows (same answers, more rows) until the next compaction (the queue
-- message of a new response, or the 5-minute cron sweep, a few surveys per run) rebuilds their
-- month rows from the day rows (src/db/queries/stats-compaction.ts).
CREATE TABLE `survey_monthly_stats` (
	`organization_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`version` integer NOT NULL,
	`month` text NOT NULL,
	`touchpoint` text DEFAULT '' NOT NULL,
	`region` text DEFAULT '' NOT NULL,
	`tier` text DEFAULT '' NOT NULL,
	`n` integer NOT NULL,
	`vector` text NOT NULL,
	PRIMARY KEY(`survey_id`, `version`, `month`, `touchpoint`, `region`, `tier`)
);
--> statement-breakpoint
CREATE INDEX `survey_monthly_stats_org_idx` ON `survey_monthly_stats` (`organization_id`,`survey_id`,`month`);--> statement-breakpoint
ALTER TABLE `survey_stats_compaction` ADD `monthly_through_id` integer;