DROP INDEX `survey_stats_pending_response_unique`;--> statement-breakpoint
DROP INDEX `responses_invitation_idx`;--> statement-breakpoint
DROP INDEX `responses_email_idx`;--> statement-breakpoint
CREATE INDEX `responses_invitation_idx` ON `responses` (`invitation_id`) WHERE invitation_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `responses_email_idx` ON `responses` (`organization_id`,`respondent_email`) WHERE respondent_email IS NOT NULL;