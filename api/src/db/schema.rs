//! The diesel schema, written by hand for both backends: ids are BIGINT on PostgreSQL and
//! INTEGER (64-bit) on SQLite; timestamps are UTC without a zone on both.

diesel::table! {
    themes (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        position -> Integer,
    }
}

diesel::table! {
    countries (code) {
        code -> Text,
        name -> Text,
        region -> Nullable<Text>,
    }
}

diesel::table! {
    country_aliases (folded) {
        folded -> Text,
        alias -> Text,
        code -> Text,
    }
}

diesel::table! {
    sources (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        domain -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    stories (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        theme_id -> BigInt,
        byline -> Nullable<Text>,
        date_year -> Nullable<Integer>,
        date_month -> Nullable<Integer>,
        date_day -> Nullable<Integer>,
        date_start -> Nullable<Integer>,
        date_end -> Nullable<Integer>,
        sort_key -> Integer,
        summary -> Nullable<Text>,
        body -> Text,
        related_url -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    story_updates (id) {
        id -> BigInt,
        story_id -> BigInt,
        position -> Integer,
        date_year -> Nullable<Integer>,
        date_month -> Nullable<Integer>,
        date_day -> Nullable<Integer>,
        body -> Text,
    }
}

diesel::table! {
    story_countries (story_id, country_code) {
        story_id -> BigInt,
        country_code -> Text,
        position -> Integer,
        /// Copies of the story's columns, kept equal by triggers (migration 000003).
        theme_id -> BigInt,
        status -> Text,
        sort_key -> Integer,
    }
}

diesel::table! {
    story_links (id) {
        id -> BigInt,
        story_id -> BigInt,
        position -> Integer,
        url -> Text,
        title -> Nullable<Text>,
        source_id -> BigInt,
    }
}

diesel::joinable!(stories -> themes (theme_id));
diesel::joinable!(story_updates -> stories (story_id));
diesel::joinable!(story_countries -> stories (story_id));
diesel::joinable!(story_countries -> countries (country_code));
diesel::joinable!(story_links -> stories (story_id));
diesel::joinable!(story_links -> sources (source_id));
diesel::joinable!(country_aliases -> countries (code));

diesel::allow_tables_to_appear_in_same_query!(
    themes,
    countries,
    country_aliases,
    sources,
    stories,
    story_updates,
    story_countries,
    story_links,
);

diesel::table! {
    story_changes (seq) {
        seq -> BigInt,
        story_id -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(story_changes, stories);

diesel::table! {
    /// Stories that were public and no longer are (`deleted` or `unpublished`), for harvesters.
    story_tombstones (story_id) {
        story_id -> BigInt,
        slug -> Text,
        reason -> Text,
        removed_at -> Timestamp,
    }
}

diesel::table! {
    /// Stories readers submit; `email` and `client_hash` are private.
    submissions (id) {
        id -> BigInt,
        status -> Text,
        title -> Text,
        body -> Text,
        theme_id -> BigInt,
        /// JSON array of ISO codes.
        countries -> Text,
        byline -> Nullable<Text>,
        email -> Nullable<Text>,
        /// JSON array of `{url, title}`.
        links -> Text,
        related_url -> Nullable<Text>,
        content_hash -> Text,
        client_hash -> Nullable<Text>,
        reject_reason -> Nullable<Text>,
        story_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Guestbook entries; `client_hash` is private.
    guestbook_entries (id) {
        id -> BigInt,
        status -> Text,
        name -> Text,
        country_code -> Nullable<Text>,
        message -> Text,
        content_hash -> Text,
        client_hash -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (scope, idem_key) {
        scope -> Text,
        idem_key -> Text,
        request_hash -> Text,
        status -> Integer,
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(submissions -> themes (theme_id));
diesel::allow_tables_to_appear_in_same_query!(submissions, themes);
diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        token_hash -> Text,
        user_id -> BigInt,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (key) {
        key -> Text,
        failures -> Integer,
        window_start -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<Text>,
        details -> Text,
        via_token_id -> Nullable<BigInt>,
        token_maker_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(users, sessions, api_tokens, audit_log);

diesel::table! {
    /// Version numbers of the guestbook and the sources list, moved by triggers
    /// (migration 000006); the response cache keys on them.
    data_versions (area) {
        area -> Text,
        version -> BigInt,
    }
}
