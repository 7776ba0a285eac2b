-- Fails halfway: the table below must not survive the failure.
CREATE TABLE "second_partial" ("id" INTEGER NOT NULL);
INSERT INTO "first" ("id") VALUES (1);
ALTER TABLE "missing" ADD COLUMN "x" INTEGER;
