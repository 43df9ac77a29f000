-- after: 007 (migration 008, which creates siyu.data_changes and
-- siyu.count_data_change, is its first caller; PL/pgSQL resolves them when
-- called)
--
-- Gives data tables a change counter (migration 008): a row in
-- siyu.data_changes and a statement-level trigger that bumps it on every
-- INSERT, UPDATE, DELETE or TRUNCATE, in the writer's own transaction. A
-- migration that adds a table the answers read calls it, e.g.
-- SELECT siyu.track_data_changes('targets', 'contests').
CREATE OR REPLACE FUNCTION siyu.track_data_changes(VARIADIC tables text[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
    DECLARE
      data_table text;
    BEGIN
      FOREACH data_table IN ARRAY tables
      LOOP
        INSERT INTO siyu.data_changes (table_name) VALUES (data_table);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON siyu.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION siyu.count_data_change()',
                       data_table || '_changes', data_table);
      END LOOP;
    END
  $$;
-- Schema changes are the migrator's: no other role runs it.
REVOKE EXECUTE ON FUNCTION siyu.track_data_changes(text[]) FROM PUBLIC;
