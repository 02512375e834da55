-- Full-text search over open answers (issue 17): an FTS5 index of text_scores.text kept by triggers, so
-- every write path (scoring, re-scoring, erasure's DELETE) updates it and nothing erased stays searchable.
-- The trigram tokenizer matches any 3+ character substring, which also works for Chinese (no spaces
-- between words); shorter queries fall back to LIKE in the query code.
CREATE VIRTUAL TABLE `text_scores_fts` USING fts5(`text`, content='text_scores', content_rowid='rowid', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `text_scores_fts_insert` AFTER INSERT ON `text_scores` BEGIN
  INSERT INTO `text_scores_fts`(rowid, `text`) VALUES (new.rowid, new.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `text_scores_fts_delete` AFTER DELETE ON `text_scores` BEGIN
  INSERT INTO `text_scores_fts`(`text_scores_fts`, rowid, `text`) VALUES ('delete', old.rowid, old.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `text_scores_fts_update` AFTER UPDATE OF `text` ON `text_scores` BEGIN
  INSERT INTO `text_scores_fts`(`text_scores_fts`, rowid, `text`) VALUES ('delete', old.rowid, old.`text`);
  INSERT INTO `text_scores_fts`(rowid, `text`) VALUES (new.rowid, new.`text`);
END;
--> statement-breakpoint
INSERT INTO `text_scores_fts`(`text_scores_fts`) VALUES ('rebuild');
