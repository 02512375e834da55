CREATE TABLE `complaint_suggestions` (
	`complaint_id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`suggested_category` text,
	`confidence` real,
	`basis` text,
	`sentiment` text NOT NULL,
	`score` real NOT NULL,
	`urgency` text NOT NULL,
	`urgency_cues` text NOT NULL,
	`decision` text,
	`decided_category` text,
	`decided_by` text,
	`decided_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`complaint_id`) REFERENCES `complaints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `complaint_suggestions_org_idx` ON `complaint_suggestions` (`organization_id`);--> statement-breakpoint
CREATE TABLE `text_organisation_models` (
	`organization_id` text PRIMARY KEY NOT NULL,
	`model` text NOT NULL,
	`version` integer NOT NULL,
	`write_nonce` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `text_scores` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`source_kind` text NOT NULL,
	`source_id` text NOT NULL,
	`field` text NOT NULL,
	`survey_id` text,
	`touchpoint` text,
	`region` text,
	`tier` text,
	`anonymous` integer DEFAULT false NOT NULL,
	`text` text NOT NULL,
	`submitted_at` integer NOT NULL,
	`satisfaction` real,
	`language` text,
	`sentiment` text,
	`score` real,
	`topics` text,
	`keywords` text,
	`model_version` text,
	`scored_at` integer,
	`score_count` integer DEFAULT 0 NOT NULL,
	`write_nonce` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `text_scores_source_unique` ON `text_scores` (`source_kind`,`source_id`,`field`);--> statement-breakpoint
CREATE INDEX `text_scores_survey_idx` ON `text_scores` (`organization_id`,`survey_id`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `text_scores_model_version_idx` ON `text_scores` (`model_version`);--> statement-breakpoint
CREATE TABLE `text_topics` (
	`organization_id` text NOT NULL,
	`key` text NOT NULL,
	`label_zh` text NOT NULL,
	`label_en` text NOT NULL,
	`keywords` text NOT NULL,
	`source` text NOT NULL,
	`complaint_category` text,
	`position` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `text_topics_key_unique` ON `text_topics` (`organization_id`,`key`);