CREATE TABLE `complaint_events` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`complaint_id` text NOT NULL,
	`type` text NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_name` text,
	`visibility` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`complaint_id`) REFERENCES `complaints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `complaint_events_complaint_idx` ON `complaint_events` (`complaint_id`,`at`);--> statement-breakpoint
CREATE INDEX `complaint_events_org_idx` ON `complaint_events` (`organization_id`,`at`);--> statement-breakpoint
CREATE TABLE `complaint_handoffs` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`complaint_id` text NOT NULL,
	`root_cause` text NOT NULL,
	`corrective_action` text NOT NULL,
	`preventive_action` text,
	`owner_id` text NOT NULL,
	`owner_team_id` text,
	`due_date` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`complaint_id`) REFERENCES `complaints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `complaint_handoffs_complaint_idx` ON `complaint_handoffs` (`organization_id`,`complaint_id`);--> statement-breakpoint
CREATE INDEX `complaint_handoffs_owner_idx` ON `complaint_handoffs` (`organization_id`,`owner_id`,`status`);--> statement-breakpoint
CREATE TABLE `complaint_settings` (
	`organization_id` text PRIMARY KEY NOT NULL,
	`routing` text,
	`sla_policies` text,
	`escalation` text,
	`categories` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `complaint_teams` (
	`team_id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`lead_user_id` text,
	`strategy` text DEFAULT 'round_robin' NOT NULL,
	`round_robin_cursor` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `team`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `complaint_teams_org_idx` ON `complaint_teams` (`organization_id`);--> statement-breakpoint
CREATE TABLE `complaints` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`reference` text NOT NULL,
	`status_secret_hash` text NOT NULL,
	`source` text NOT NULL,
	`source_response_id` text,
	`source_survey_id` text,
	`intake_key` text,
	`subject` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`category` text,
	`touchpoint` text,
	`region` text,
	`tier` text,
	`segment` text NOT NULL,
	`severity` integer,
	`priority` text NOT NULL,
	`state` text NOT NULL,
	`waiting_from` text,
	`state_history` text NOT NULL,
	`assignee_id` text,
	`team_id` text,
	`desired_remedy` text,
	`contact_name` text,
	`contact_email` text,
	`contact_phone` text,
	`anonymous` integer DEFAULT false NOT NULL,
	`language` text DEFAULT 'zh-CN' NOT NULL,
	`received_at` integer NOT NULL,
	`acknowledged_at` integer,
	`first_responded_at` integer,
	`closed_at` integer,
	`acknowledge_due_at` integer,
	`first_response_due_at` integer,
	`resolution_due_at` integer,
	`next_due_at` integer,
	`sla_paused` integer DEFAULT false NOT NULL,
	`sla_breached` integer DEFAULT false NOT NULL,
	`escalations` text NOT NULL,
	`proposed_remedy` text,
	`resolution` text,
	`reopen_count` integer DEFAULT 0 NOT NULL,
	`staff_public_reply_count` integer DEFAULT 0 NOT NULL,
	`handling_survey_id` text,
	`handling_invitation_id` text,
	`handling_survey_url` text,
	`handling_response_id` text,
	`handling_csat` integer,
	`handling_ces` integer,
	`handling_resolved` integer,
	`handling_responded_at` integer,
	`version` integer DEFAULT 0 NOT NULL,
	`write_nonce` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_reference_unique` ON `complaints` (`organization_id`,`reference`);--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_source_response_unique` ON `complaints` (`source_response_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_intake_key_unique` ON `complaints` (`organization_id`,`intake_key`);--> statement-breakpoint
CREATE INDEX `complaints_secret_idx` ON `complaints` (`status_secret_hash`);--> statement-breakpoint
CREATE INDEX `complaints_org_state_due_idx` ON `complaints` (`organization_id`,`state`,`next_due_at`);--> statement-breakpoint
CREATE INDEX `complaints_org_due_idx` ON `complaints` (`organization_id`,`next_due_at`);--> statement-breakpoint
CREATE INDEX `complaints_org_received_idx` ON `complaints` (`organization_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `complaints_org_email_idx` ON `complaints` (`organization_id`,`contact_email`);--> statement-breakpoint
CREATE INDEX `complaints_org_assignee_idx` ON `complaints` (`organization_id`,`assignee_id`,`state`);--> statement-breakpoint
CREATE INDEX `complaints_org_team_idx` ON `complaints` (`organization_id`,`team_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`kind` text NOT NULL,
	`event_type` text NOT NULL,
	`complaint_id` text,
	`endpoint_id` text,
	`recipient` text NOT NULL,
	`subject` text,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`delivered_at` integer,
	`provider_message_id` text,
	`claim_nonce` text,
	`dedupe_key` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_org_created_idx` ON `outbox` (`organization_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `outbox_complaint_idx` ON `outbox` (`organization_id`,`complaint_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_unique` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`outbox_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint_idx` ON `webhook_deliveries` (`organization_id`,`endpoint_id`,`at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_outbox_idx` ON `webhook_deliveries` (`outbox_id`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`url` text NOT NULL,
	`description` text,
	`secret` text NOT NULL,
	`events` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_org_idx` ON `webhook_endpoints` (`organization_id`);