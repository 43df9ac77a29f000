-- The private-domain operations schema: every entity of spec/domain.md.
-- Money is numeric(14,2); times are timestamptz; enumerations are CHECKed.

CREATE TABLE siyu.settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE siyu.teams (
  id         integer PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  region     text NOT NULL,
  manager_id integer
);

CREATE TABLE siyu.employees (
  id        integer PRIMARY KEY,
  name      text NOT NULL UNIQUE,
  team_id   integer NOT NULL REFERENCES siyu.teams (id),
  role      text NOT NULL CHECK (role IN ('lead', 'content', 'activity', 'community', 'advisor')),
  hired_at  date NOT NULL,
  active    boolean NOT NULL DEFAULT true
);
CREATE INDEX employees_team_id_idx ON siyu.employees (team_id);

ALTER TABLE siyu.teams
  ADD CONSTRAINT teams_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES siyu.employees (id)
  DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE siyu.channels (
  id   integer PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('public', 'private')),
  type text NOT NULL CHECK (type IN ('wechat_oa', 'wechat_channels', 'mini_program', 'wecom', 'community',
                                     'live_douyin', 'live_taobao', 'ai_call_sms', 'package_card',
                                     'offline_store', 'ads', 'referral'))
);

CREATE TABLE siyu.customers (
  id                      integer PRIMARY KEY,
  name                    text NOT NULL,
  phone                   text NOT NULL UNIQUE CHECK (phone ~ '^1[3-9][0-9]{9}$'),
  gender                  text NOT NULL CHECK (gender IN ('female', 'male', 'unknown')),
  birthday                date,
  city_tier               text NOT NULL CHECK (city_tier IN ('tier1', 'new_tier1', 'tier2', 'tier3', 'tier4_below')),
  source_channel_id       integer NOT NULL REFERENCES siyu.channels (id),
  owner_employee_id       integer REFERENCES siyu.employees (id),
  registered_at           timestamptz NOT NULL,
  member_level            text NOT NULL CHECK (member_level IN ('normal', 'silver', 'gold', 'platinum', 'diamond')),
  referred_by_customer_id integer REFERENCES siyu.customers (id)
);
CREATE INDEX customers_owner_idx ON siyu.customers (owner_employee_id);
CREATE INDEX customers_source_channel_idx ON siyu.customers (source_channel_id);
CREATE INDEX customers_registered_at_idx ON siyu.customers (registered_at);
CREATE INDEX customers_referred_by_idx ON siyu.customers (referred_by_customer_id);

CREATE TABLE siyu.customer_identities (
  id          integer PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES siyu.customers (id),
  system      text NOT NULL CHECK (system IN ('member', 'wecom', 'unionid', 'consult', 'phone')),
  external_id text NOT NULL,
  UNIQUE (system, external_id)
);
CREATE INDEX customer_identities_customer_idx ON siyu.customer_identities (customer_id);

CREATE TABLE siyu.campaigns (
  id         integer PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  type       text NOT NULL CHECK (type IN ('brand', 'revenue', 'promotion', 'co_creation')),
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL,
  budget     numeric(14, 2) NOT NULL CHECK (budget >= 0),
  target_gmv numeric(14, 2) NOT NULL CHECK (target_gmv >= 0),
  CHECK (ends_at > starts_at)
);

CREATE TABLE siyu.campaign_spend (
  id          integer PRIMARY KEY,
  campaign_id integer NOT NULL REFERENCES siyu.campaigns (id),
  channel_id  integer NOT NULL REFERENCES siyu.channels (id),
  employee_id integer REFERENCES siyu.employees (id),
  spent_on    date NOT NULL,
  amount      numeric(14, 2) NOT NULL CHECK (amount >= 0)
);
CREATE INDEX campaign_spend_campaign_idx ON siyu.campaign_spend (campaign_id);
CREATE INDEX campaign_spend_channel_idx ON siyu.campaign_spend (channel_id);
CREATE INDEX campaign_spend_employee_idx ON siyu.campaign_spend (employee_id);
CREATE INDEX campaign_spend_spent_on_idx ON siyu.campaign_spend (spent_on);

CREATE TABLE siyu.campaign_participations (
  id                     integer PRIMARY KEY,
  campaign_id            integer NOT NULL REFERENCES siyu.campaigns (id),
  customer_id            integer NOT NULL REFERENCES siyu.customers (id),
  employee_id            integer REFERENCES siyu.employees (id),
  channel_id             integer NOT NULL REFERENCES siyu.channels (id),
  joined_at              timestamptz NOT NULL,
  invited_by_customer_id integer REFERENCES siyu.customers (id),
  UNIQUE (campaign_id, customer_id)
);
CREATE INDEX campaign_participations_customer_idx ON siyu.campaign_participations (customer_id);
CREATE INDEX campaign_participations_employee_idx ON siyu.campaign_participations (employee_id);
CREATE INDEX campaign_participations_joined_at_idx ON siyu.campaign_participations (joined_at);

CREATE TABLE siyu.orders (
  id          integer PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES siyu.customers (id),
  employee_id integer REFERENCES siyu.employees (id),
  channel_id  integer NOT NULL REFERENCES siyu.channels (id),
  campaign_id integer REFERENCES siyu.campaigns (id),
  ordered_at  timestamptz NOT NULL,
  amount      numeric(14, 2) NOT NULL CHECK (amount >= 0),
  items       integer NOT NULL CHECK (items > 0),
  category    text NOT NULL CHECK (category IN ('traffic', 'core', 'premium')),
  status      text NOT NULL CHECK (status IN ('paid', 'refunded'))
);
CREATE INDEX orders_customer_idx ON siyu.orders (customer_id, ordered_at);
CREATE INDEX orders_employee_idx ON siyu.orders (employee_id);
CREATE INDEX orders_channel_idx ON siyu.orders (channel_id);
CREATE INDEX orders_campaign_idx ON siyu.orders (campaign_id, customer_id);
CREATE INDEX orders_ordered_at_idx ON siyu.orders (ordered_at);

CREATE TABLE siyu.events (
  id          bigint PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES siyu.customers (id),
  type        text NOT NULL CHECK (type IN ('register', 'view', 'like', 'comment', 'share', 'consult', 'booking', 'visit')),
  channel_id  integer NOT NULL REFERENCES siyu.channels (id),
  occurred_at timestamptz NOT NULL
);
CREATE INDEX events_customer_idx ON siyu.events (customer_id, type);
CREATE INDEX events_occurred_at_idx ON siyu.events (occurred_at);

CREATE TABLE siyu.follow_ups (
  id          integer PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES siyu.customers (id),
  employee_id integer NOT NULL REFERENCES siyu.employees (id),
  kind        text NOT NULL CHECK (kind IN ('wecom_chat', 'call', 'visit')),
  occurred_at timestamptz NOT NULL
);
CREATE INDEX follow_ups_employee_idx ON siyu.follow_ups (employee_id, occurred_at);
CREATE INDEX follow_ups_customer_idx ON siyu.follow_ups (customer_id);

CREATE TABLE siyu.appointments (
  id            integer PRIMARY KEY,
  customer_id   integer NOT NULL REFERENCES siyu.customers (id),
  employee_id   integer NOT NULL REFERENCES siyu.employees (id),
  booked_at     timestamptz NOT NULL,
  scheduled_for timestamptz NOT NULL,
  arrived_at    timestamptz,
  CHECK (scheduled_for >= booked_at),
  CHECK (arrived_at IS NULL OR arrived_at >= booked_at)
);
CREATE INDEX appointments_employee_idx ON siyu.appointments (employee_id, booked_at);
CREATE INDEX appointments_customer_idx ON siyu.appointments (customer_id);
CREATE INDEX appointments_scheduled_idx ON siyu.appointments (scheduled_for);

-- "Today" for every as-of metric, and the business calendar's time zone.
CREATE FUNCTION siyu.as_of() RETURNS date
  LANGUAGE sql STABLE
  AS $$ SELECT value::date FROM siyu.settings WHERE key = 'as_of' $$;

CREATE FUNCTION siyu.business_tz() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce((SELECT value FROM siyu.settings WHERE key = 'time_zone'), 'Asia/Shanghai') $$;

CREATE FUNCTION siyu.local_date(ts timestamptz) RETURNS date
  LANGUAGE sql STABLE
  AS $$ SELECT (ts AT TIME ZONE siyu.business_tz())::date $$;
