//! A client generated from the OpenAPI document by openapi-python-client (PyPI), used against
//! a real server by `tests/clients/generated_client.py`: lists with several facets, countries
//! and themes, a search, an export, a harvest by cursor, a submission and a guestbook entry.

use std::time::Duration;

use crate::support::{python, repo_root, Backend, TestApp};

#[actix_rt::test]
async fn a_generated_python_client_reads_exports_harvests_and_writes() {
    let Some(python) = python() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await;
    {
        let mut conn = app.pool.get().expect("conn");
        peoples_stories_api::generate::run(&mut conn, 60, 1).expect("generate");
        peoples_stories_api::db::changes::record_rebuild(&mut conn).expect("rebuild");
    }
    app.reindex_now();
    // A harvest reaches changes older than two seconds (reading::harvest::SETTLE).
    actix_rt::time::sleep(Duration::from_millis(2500)).await;

    let dir = tempfile::tempdir().expect("dir");
    let generator = python.with_file_name("openapi-python-client");
    let generated = tokio::process::Command::new(&generator)
        .arg("generate")
        .arg("--path")
        .arg(repo_root().join("openapi/openapi.json"))
        .args(["--meta", "none", "--output-path"])
        .arg(dir.path().join("ps_client"))
        .output()
        .await
        .expect("run openapi-python-client");
    assert!(
        generated.status.success(),
        "openapi-python-client: {}{}",
        String::from_utf8_lossy(&generated.stdout),
        String::from_utf8_lossy(&generated.stderr)
    );

    let out = tokio::process::Command::new(&python)
        .arg(repo_root().join("tests/clients/generated_client.py"))
        .arg(&app.base_url)
        .env("PYTHONPATH", dir.path())
        .output()
        .await
        .expect("run the client");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && text.starts_with("ok: "),
        "the generated client: {text}"
    );
    eprintln!("{}", text.trim());
}
