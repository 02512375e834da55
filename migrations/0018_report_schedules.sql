CREATE TABLE `report_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`name` text NOT NULL,
	`survey_id` text,
	`cadence` text NOT NULL,
	`time_zone` text NOT NULL,
	`recipients` text NOT NULL,
	`language` text NOT NULL,
	`next_due_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `report_digests_sent` (
	`schedule_id` text NOT NULL,
	`period_key` text NOT NULL,
	`organization_id` text NOT NULL,
	`claim_id` text NOT NULL,
	`recipients` integer NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`schedule_id`, `period_key`),
	FOREIGN KEY (`schedule_id`) REFERENCES `report_schedules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `report_schedules_due_idx` ON `report_schedules` (`next_due_at`);--> statement-breakpoint
CREATE INDEX `report_schedules_org_idx` ON `report_schedules` (`organization_id`);