-- The foundation: themes, countries, sources and stories (SQLite).
-- Keep in step with ../../postgres/2026-11-28-000001_foundation/up.sql.

CREATE TABLE themes (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    position INTEGER NOT NULL
);

-- ISO 3166-1; filled and kept current by `peoples-stories migrate` from the keshvar crate.
CREATE TABLE countries (
    code TEXT PRIMARY KEY CHECK (length(code) = 2),
    name TEXT NOT NULL,
    region TEXT
);

-- Names readers type that ISO does not use ("Laos", "Burma"); `folded` is lower-case ASCII.
CREATE TABLE country_aliases (
    folded TEXT PRIMARY KEY,
    alias TEXT NOT NULL,
    code TEXT NOT NULL REFERENCES countries (code) ON DELETE CASCADE
);

CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    domain TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    theme_id INTEGER NOT NULL REFERENCES themes (id),
    byline TEXT,
    -- The date as known: a year, a month or a day; never an invented day.
    date_year INTEGER,
    date_month INTEGER CHECK (date_month IS NULL OR date_year IS NOT NULL),
    date_day INTEGER CHECK (date_day IS NULL OR date_month IS NOT NULL),
    -- The first and last day the date covers, as yyyymmdd, for from/to filters.
    date_start INTEGER,
    date_end INTEGER,
    -- date_start, or 0 when undated: undated stories count as the oldest.
    sort_key INTEGER NOT NULL,
    summary TEXT,
    body TEXT NOT NULL,
    related_url TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX stories_by_date ON stories (status, sort_key, id);
CREATE INDEX stories_by_theme_date ON stories (theme_id, status, sort_key, id);

CREATE TABLE story_updates (
    id INTEGER PRIMARY KEY,
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    date_year INTEGER,
    date_month INTEGER,
    date_day INTEGER,
    body TEXT NOT NULL,
    UNIQUE (story_id, position)
);

CREATE TABLE story_countries (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    country_code TEXT NOT NULL REFERENCES countries (code),
    position INTEGER NOT NULL,
    PRIMARY KEY (story_id, country_code)
);

CREATE INDEX story_countries_by_country ON story_countries (country_code, story_id);

CREATE TABLE story_links (
    id INTEGER PRIMARY KEY,
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    title TEXT,
    source_id INTEGER NOT NULL REFERENCES sources (id),
    UNIQUE (story_id, position)
);

CREATE INDEX story_links_by_source ON story_links (source_id, story_id);
