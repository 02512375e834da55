CREATE TABLE `email_templates` (
	`organization_id` text NOT NULL,
	`kind` text NOT NULL,
	`template` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`organization_id`, `kind`),
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `surveys` ADD `reminder_schedule` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `claimed_at` integer;--> statement-breakpoint
CREATE INDEX `outbox_email_claimed_idx` ON `outbox` (`kind`,`claimed_at`);