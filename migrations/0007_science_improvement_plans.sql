CREATE TABLE `benchmarks` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`construct` text DEFAULT 'satisfaction' NOT NULL,
	`source` text NOT NULL,
	`year` integer NOT NULL,
	`value` real NOT NULL,
	`n` integer,
	`sd` real,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `benchmarks_org_idx` ON `benchmarks` (`organization_id`,`construct`);--> statement-breakpoint
CREATE TABLE `improvement_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`title` text NOT NULL,
	`source_kind` text NOT NULL,
	`source_ref` text NOT NULL,
	`owner` text NOT NULL,
	`target_construct` text NOT NULL,
	`target_value` real NOT NULL,
	`start_date` text NOT NULL,
	`review_date` text NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`notes` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `improvement_plans_survey_idx` ON `improvement_plans` (`organization_id`,`survey_id`,`start_date`);--> statement-breakpoint
CREATE TABLE `segment_tests` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`selection` text NOT NULL,
	`dimension` text NOT NULL,
	`segment_value` text NOT NULL,
	`permutations` integer NOT NULL,
	`seed` integer NOT NULL,
	`status` text NOT NULL,
	`state` text,
	`steps` integer DEFAULT 0 NOT NULL,
	`result` text,
	`error` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `segment_tests_selection_idx` ON `segment_tests` (`organization_id`,`survey_id`,`selection`,`dimension`);