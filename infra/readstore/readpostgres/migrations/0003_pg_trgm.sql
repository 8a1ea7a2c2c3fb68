-- Trigram matching for typos in titles and actors (the catalogue layout indexes with it).
-- An extension belongs to the whole database, so it goes to public, never to this
-- store's schema: dropping the schema must not drop other schemas' trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
