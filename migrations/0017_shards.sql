CREATE TABLE `org_shards` (
	`organization_id` text PRIMARY KEY NOT NULL,
	`shard` integer NOT NULL,
	`moving_to` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `survey_slugs` (
	`slug` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`shard` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `survey_slugs_org_idx` ON `survey_slugs` (`organization_id`);--> statement-breakpoint
-- Every survey that exists before shards lives in shard 0, the control-plane database.
INSERT INTO `survey_slugs` (`slug`, `organization_id`, `shard`) SELECT `slug`, `organization_id`, 0 FROM `surveys`;