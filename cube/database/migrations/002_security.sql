-- Accounts of the people who log in, with scrypt password hashes, and the
-- phone mask the model applies for every role but admin.

CREATE TABLE siyu.accounts (
  username      text PRIMARY KEY CHECK (username ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  role          text NOT NULL CHECK (role IN ('executive', 'operator', 'manager', 'staff', 'admin')),
  employee_id   integer REFERENCES siyu.employees (id) ON DELETE CASCADE,
  display_name  text NOT NULL,
  -- scrypt$N$r$p$salt$hash (base64url); see cube/gateway/passwords.ts
  password_hash text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((role IN ('manager', 'staff')) = (employee_id IS NOT NULL))
);
CREATE INDEX accounts_employee_idx ON siyu.accounts (employee_id);

CREATE FUNCTION siyu.mask_phone(phone text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT CASE WHEN length(phone) >= 7 THEN left(phone, 3) || '****' || right(phone, 4) ELSE '****' END $$;

-- Every database seeded before this migration was made by the demo generator.
INSERT INTO siyu.settings (key, value)
SELECT 'data_origin', 'demo_generator'
WHERE EXISTS (SELECT 1 FROM siyu.settings WHERE key = 'as_of')
ON CONFLICT (key) DO NOTHING;
