//! Schemathesis (PyPI) fuzzes the real `peoples-stories serve` binary from the OpenAPI
//! document it serves, with every check on (`checks.enabled` in its configuration, the
//! equivalent of `--checks all`): the statuses, content types,
//! headers and bodies it answers must be the documented ones, schema-valid requests must be
//! accepted and invalid ones refused, and nothing may be a 500. First the public operations,
//! then the moderators' and admins' with a bearer token. A fixed seed and a few examples per
//! operation keep it reproducible and well under a minute; the per-operation exceptions
//! (each with its reason) are in `tests/clients/schemathesis.toml`.
//!
//! The server runs with the rate limits of the public forms off (`PS_SUBMISSIONS_PER_WINDOW`,
//! `PS_GUESTBOOK_PER_WINDOW` and `PS_REFUSALS_PER_WINDOW` at 0): every request comes from one
//! client, and a 429 part-way through would make the run depend on how many cases reached a
//! form first.

use std::path::Path;

use crate::support::{add_user, python, repo_root, server_binary, Backend, ServeProcess, TestDb};

/// The seed of every run: the same cases each time.
const SEED: &str = "20261201";
/// Test cases per operation and phase.
const MAX_EXAMPLES: &str = "12";
/// An admin's name the fuzzer will not guess (it could otherwise disable the account whose
/// token it uses, after making a second admin).
const ADMIN: &str = "schemathesis-admin-7c1e";

#[actix_rt::test]
async fn schemathesis_finds_nothing_against_the_document() {
    let Some(python) = python() else {
        return;
    };
    let db = TestDb::create(Backend::Sqlite).expect("sqlite");
    db.migrate_and_seed();
    {
        let pool = db.pool();
        let mut conn = pool.get().expect("conn");
        peoples_stories_api::generate::run(&mut conn, 40, 1).expect("generate");
        peoples_stories_api::db::changes::record_rebuild(&mut conn).expect("rebuild");
        drop(conn);
        add_user(&pool, ADMIN, peoples_stories_shared::Role::Admin);
    }
    let token = |name: &str| {
        let out = std::process::Command::new(server_binary())
            .args(["--database-url", &db.url.target, "token", "create"])
            .args(["--username", ADMIN, "--name", name])
            .env("RUST_LOG", "warn")
            .output()
            .expect("run token create");
        assert!(
            out.status.success(),
            "token create: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let main_token = token("schemathesis");
    let spare_token = token("schemathesis, revocations");

    let server = ServeProcess::start(
        &db.url.target,
        &[
            ("PS_SUBMISSIONS_PER_WINDOW", "0"),
            ("PS_GUESTBOOK_PER_WINDOW", "0"),
            ("PS_REFUSALS_PER_WINDOW", "0"),
        ],
    )
    .await;
    let schema = server.url("/api/openapi.json");
    let reports = tempfile::tempdir().expect("reports dir");
    let schemathesis = python.with_file_name("schemathesis");
    assert!(
        schemathesis.exists(),
        "{} is missing: run scripts/python-venv.sh, which installs scripts/python-requirements.txt",
        schemathesis.display()
    );

    // The public operations: everything without a security requirement (login included; the
    // token goes to none of them).
    run(
        &schemathesis,
        &schema,
        reports.path(),
        &[
            "--exclude-tag",
            "moderation",
            "--exclude-tag",
            "accounts",
            "--exclude-operation-id",
            "logout",
            "--exclude-operation-id",
            "me",
        ],
        &main_token,
        &server,
    )
    .await;

    // The moderators' and admins' operations with an admin's API token, except those that
    // could end the token's own access part-way through: revoking a token (the fuzzer tries
    // small ids, and this token's is 1) and signing out.
    run(
        &schemathesis,
        &schema,
        reports.path(),
        &[
            "--include-tag",
            "moderation",
            "--include-tag",
            "accounts",
            "--include-tag",
            "auth",
            "--exclude-operation-id",
            "revoke_token",
            "--exclude-operation-id",
            "logout",
        ],
        &main_token,
        &server,
    )
    .await;

    // Those two last, with a token of their own: once it is revoked, what is left answers
    // 401, which they document.
    run(
        &schemathesis,
        &schema,
        reports.path(),
        &[
            "--include-operation-id",
            "revoke_token",
            "--include-operation-id",
            "logout",
        ],
        &spare_token,
        &server,
    )
    .await;
}

/// One `schemathesis run` with these filters and this bearer token (the configuration reads
/// it from `PS_FUZZ_TOKEN`); fails the test, with its report, unless it found nothing.
async fn run(
    schemathesis: &Path,
    schema: &str,
    reports: &Path,
    filters: &[&str],
    token: &str,
    server: &ServeProcess,
) {
    let started = std::time::Instant::now();
    let out = tokio::process::Command::new(schemathesis)
        .arg("--config-file")
        .arg(repo_root().join("tests/clients/schemathesis.toml"))
        .args(["--no-color", "run", schema])
        .args(["--seed", SEED, "--max-examples", MAX_EXAMPLES])
        // One worker: the cases of one operation then come in the seed's order, and no two
        // exports overlap (a client may run two at once).
        .args(["--workers", "1", "--generation-database", "none"])
        .args(["--request-timeout", "20", "--report-dir"])
        .arg(reports)
        .args(filters)
        .env("PS_FUZZ_TOKEN", token)
        // Its cache (`.schemathesis/`) goes beside the reports, not into the repository.
        .current_dir(reports)
        .output()
        .await
        .expect("run schemathesis");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "schemathesis {filters:?} found failures:\n{text}\nthe server's log:\n{}",
        server.log_text()
    );
    let summary = text
        .lines()
        .rev()
        .find(|l| l.contains(" in ") && l.contains('='))
        .unwrap_or_default();
    eprintln!(
        "schemathesis {filters:?}: {} ({:.0} s)",
        summary.trim_matches(|c| c == '=' || c == ' '),
        started.elapsed().as_secs_f64()
    );
}
