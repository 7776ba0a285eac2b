CREATE TABLE "first" ("id" INTEGER NOT NULL, CONSTRAINT "first_pkey" PRIMARY KEY ("id"));
