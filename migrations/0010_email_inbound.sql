CREATE TABLE `complaint_attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`complaint_id` text NOT NULL,
	`inbound_email_id` text,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`storage_key` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`complaint_id`) REFERENCES `complaints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `complaint_attachments_complaint_idx` ON `complaint_attachments` (`organization_id`,`complaint_id`);--> statement-breakpoint
CREATE TABLE `inbound_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`message_id` text NOT NULL,
	`complaint_id` text NOT NULL,
	`kind` text NOT NULL,
	`sender` text NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`complaint_id`) REFERENCES `complaints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_emails_message_unique` ON `inbound_emails` (`organization_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `inbound_emails_complaint_idx` ON `inbound_emails` (`organization_id`,`complaint_id`);