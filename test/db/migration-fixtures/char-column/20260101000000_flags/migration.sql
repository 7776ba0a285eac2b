-- PostgreSQL's internal one-byte "char" type (OID 18), as pg_catalog uses it.
CREATE TABLE "flags" (
    "id" INTEGER NOT NULL,
    "kind" "char" NOT NULL DEFAULT 'a',

    CONSTRAINT "flags_pkey" PRIMARY KEY ("id")
);
