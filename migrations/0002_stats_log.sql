CREATE TABLE `bootstrap_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`selection` text NOT NULL,
	`samples` integer NOT NULL,
	`seed` integer NOT NULL,
	`status` text NOT NULL,
	`result` text,
	`error` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `bootstrap_runs_selection_idx` ON `bootstrap_runs` (`organization_id`,`survey_id`,`selection`);--> statement-breakpoint
CREATE TABLE `response_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`response_id` text NOT NULL,
	`author_id` text,
	`author_name` text,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`response_id`) REFERENCES `responses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `response_notes_response_idx` ON `response_notes` (`organization_id`,`response_id`);--> statement-breakpoint
CREATE TABLE `survey_daily_views` (
	`organization_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`day` text NOT NULL,
	`views` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`survey_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `survey_stats_compaction` (
	`survey_id` text PRIMARY KEY NOT NULL,
	`through_id` integer DEFAULT 0 NOT NULL,
	`nonce` text,
	`compacted_at` integer
);
--> statement-breakpoint
CREATE TABLE `survey_stats_pending` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organization_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`version` integer NOT NULL,
	`day` text NOT NULL,
	`touchpoint` text NOT NULL,
	`region` text NOT NULL,
	`tier` text NOT NULL,
	`response_id` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `survey_stats_pending_survey_idx` ON `survey_stats_pending` (`survey_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `survey_stats_pending_response_unique` ON `survey_stats_pending` (`response_id`);--> statement-breakpoint
ALTER TABLE `responses` ADD `tags` text;