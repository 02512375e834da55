CREATE TABLE `shard_moves` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`from_shard` integer NOT NULL,
	`to_shard` integer NOT NULL,
	`status` text NOT NULL,
	`current_table` text,
	`rows_copied` integer DEFAULT 0 NOT NULL,
	`table_counts` text,
	`error` text,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shard_moves_one_running_idx` ON `shard_moves` (`organization_id`) WHERE "status" NOT IN ('done', 'failed');--> statement-breakpoint
CREATE INDEX `shard_moves_org_started_idx` ON `shard_moves` (`organization_id`,`started_at`);