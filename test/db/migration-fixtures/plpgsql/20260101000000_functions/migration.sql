CREATE TABLE "counters" ("id" INTEGER NOT NULL, "value" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "counters_pkey" PRIMARY KEY ("id"));

-- Semicolons inside the $$ bodies: a script split on ";" breaks here.
CREATE FUNCTION "plus_one"(n INTEGER) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  result INTEGER;
BEGIN
  result := n + 1;
  RETURN result;
END;
$$;

CREATE FUNCTION "counters_never_negative"() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
  IF NEW.value < 0 THEN
    RAISE EXCEPTION 'negative; not allowed' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END;
$body$;

CREATE TRIGGER "counters_never_negative" BEFORE INSERT OR UPDATE ON "counters"
FOR EACH ROW EXECUTE FUNCTION "counters_never_negative"();
