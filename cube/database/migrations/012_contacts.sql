-- The product's first writes by the people who log in: a staff member
-- records a contact with a customer (a follow-up) and may reveal the phone
-- number of their own customer. Both are audited.

-- A recorded follow-up says how it went and who recorded it. The key comes
-- from the client, once per "save": a double click or a retried request
-- finds the row already there instead of writing a second one. Seeded and
-- simulated follow-ups have neither.
ALTER TABLE siyu.follow_ups
  ADD COLUMN outcome         text CHECK (outcome IN ('reached', 'no_answer', 'booked', 'declined')),
  ADD COLUMN note            text CHECK (char_length(note) <= 500),
  ADD COLUMN recorded_by     text,
  ADD COLUMN idempotency_key text,
  ADD CONSTRAINT follow_ups_recorded_check CHECK ((recorded_by IS NULL) = (idempotency_key IS NULL)),
  ADD CONSTRAINT follow_ups_idempotency_key UNIQUE (recorded_by, idempotency_key);

-- Who did what to whose data, when and from where. Not a data table: no
-- change counter (writing it changes no metric), no foreign key (a reseed
-- truncates the customers; the trail stays). Cube's role may not read it
-- (cube/database/cube-role.ts).
CREATE TABLE siyu.audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  username     text NOT NULL,
  action       text NOT NULL CHECK (action IN ('reveal_phone', 'record_contact')),
  customer_id  integer NOT NULL,
  follow_up_id integer,
  ip           text,
  user_agent   text CHECK (char_length(user_agent) <= 500)
);
CREATE INDEX audit_log_user_idx ON siyu.audit_log (username, action, at);
