-- A person's saved views: a page and its URL state (filters, range, drill
-- path) under a name. The state holds no rows and no scope: whoever opens a
-- view, or follows its share link, queries under their own account's row
-- rules (cube/engine/access-rules.ts). Per account; an account's removal
-- removes its views. The share token is random (the link names no id to
-- guess) and stays the same across renames.
CREATE TABLE siyu.saved_views (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username    text NOT NULL REFERENCES siyu.accounts (username) ON DELETE CASCADE ON UPDATE CASCADE,
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
  page        text NOT NULL CHECK (page ~ '^/[a-z0-9/-]*$' AND char_length(page) <= 100),
  state       text NOT NULL CHECK (char_length(state) <= 2000),
  share_token text NOT NULL UNIQUE CHECK (share_token ~ '^[A-Za-z0-9_-]{22}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (username, name)
);
