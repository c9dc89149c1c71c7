//! Migrations go up, down and up again on both databases.

use diesel::connection::SimpleConnection;
use peoples_stories_api::db;

use crate::support::{Backend, TestDb};

fn up_down_up(backend: Backend) {
    let Some(test_db) = TestDb::create(backend) else {
        eprintln!("skipped: PostgreSQL not available");
        return;
    };
    let pool = test_db.pool();
    let mut conn = pool.get().expect("conn");
    let applied = db::migrate(&mut conn).expect("up");
    assert!(!applied.is_empty());
    assert!(
        db::migrate(&mut conn).expect("up again").is_empty(),
        "migrating twice is a no-op"
    );
    peoples_stories_api::seed::run(&mut conn).expect("seed");
    db::revert_all(&mut conn).expect("down");
    assert!(
        conn.batch_execute("SELECT 1 FROM stories").is_err(),
        "tables are gone after down"
    );
    db::migrate(&mut conn).expect("up after down");
    assert_eq!(peoples_stories_api::seed::run(&mut conn).expect("seed"), 2);
}

#[test]
fn migrations_go_up_down_up_on_sqlite() {
    up_down_up(Backend::Sqlite);
}

#[test]
fn migrations_go_up_down_up_on_postgres() {
    up_down_up(Backend::Postgres);
}
