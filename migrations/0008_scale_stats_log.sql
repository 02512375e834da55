-- The statistics log keyed by (survey_id, id) WITHOUT ROWID: an append writes one row (the key is the table),
-- no index entry and no AUTOINCREMENT counter. Ids keep their values; new ones continue above each survey's
-- largest logged or folded id (nextStatsLogIdSql in src/db/queries/responses.ts). Hand-edited: drizzle-kit
-- cannot express WITHOUT ROWID.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_survey_stats_pending` (
	`survey_id` text NOT NULL,
	`id` integer NOT NULL,
	`organization_id` text NOT NULL,
	`version` integer NOT NULL,
	`day` text NOT NULL,
	`touchpoint` text NOT NULL,
	`region` text NOT NULL,
	`tier` text NOT NULL,
	`response_id` text NOT NULL,
	`row` text NOT NULL,
	PRIMARY KEY(`survey_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_survey_stats_pending`("survey_id", "id", "organization_id", "version", "day", "touchpoint", "region", "tier", "response_id", "row") SELECT "survey_id", "id", "organization_id", "version", "day", "touchpoint", "region", "tier", "response_id", "row" FROM `survey_stats_pending`;--> statement-breakpoint
DROP TABLE `survey_stats_pending`;--> statement-breakpoint
ALTER TABLE `__new_survey_stats_pending` RENAME TO `survey_stats_pending`;--> statement-breakpoint
PRAGMA foreign_keys=ON;