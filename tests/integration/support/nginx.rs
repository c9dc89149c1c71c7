//! Debian's nginx in front of several nodes, configured with the repository's own
//! `deploy/nginx/` files (the ones docs/deploy.md tells operators to install).

use super::repo_root;

const NGINX: &str = "/usr/sbin/nginx";

/// nginx, when installed; under CI=true it must be (scripts/test installs it).
pub fn available() -> bool {
    let there = std::path::Path::new(NGINX).exists();
    if !there && std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
        panic!("CI=true but {NGINX} is missing (scripts/test installs it)");
    }
    there
}

/// A running nginx on 127.0.0.1, proxying to `nodes` round robin; stopped when dropped.
pub struct Nginx {
    child: std::process::Child,
    pub base_url: String,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// Starts nginx on `port` in front of these nodes (`http://127.0.0.1:PORT` each).
    pub async fn start(port: u16, nodes: &[&str]) -> Nginx {
        let dir = tempfile::tempdir().expect("nginx dir");
        let prefix = dir.path();
        std::fs::create_dir_all(prefix.join("tmp")).expect("tmp");
        let deploy = repo_root().join("deploy/nginx");
        let servers: String = nodes
            .iter()
            .map(|n| format!("        server {};\n", n.trim_start_matches("http://")))
            .collect();
        // As root, workers run as nobody (they only proxy: no file is read).
        let user = if is_root() {
            "user nobody nogroup;\n"
        } else {
            ""
        };
        let conf = format!(
            "{user}worker_processes 1;\n\
             pid {p}/nginx.pid;\n\
             error_log {p}/error.log warn;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n\
             \x20   access_log off;\n\
             \x20   client_body_temp_path {p}/tmp/body;\n\
             \x20   proxy_temp_path {p}/tmp/proxy;\n\
             \x20   fastcgi_temp_path {p}/tmp/fastcgi;\n\
             \x20   uwsgi_temp_path {p}/tmp/uwsgi;\n\
             \x20   scgi_temp_path {p}/tmp/scgi;\n\
             \x20   include {http};\n\
             \x20   upstream peoples_stories {{\n{servers}        keepalive 16;\n    }}\n\
             \x20   server {{\n\
             \x20       listen 127.0.0.1:{port};\n\
             \x20       server_name localhost;\n\
             \x20       include {proxy};\n\
             \x20   }}\n\
             }}\n",
            p = prefix.display(),
            http = deploy.join("http.conf").display(),
            proxy = deploy.join("proxy.conf").display(),
        );
        let conf_path = prefix.join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("nginx.conf");
        let child = std::process::Command::new(NGINX)
            .arg("-p")
            .arg(prefix)
            .arg("-e")
            .arg(prefix.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .args(["-g", "daemon off;"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start nginx");
        let nginx = Nginx {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            dir,
        };
        let started = std::time::Instant::now();
        while !reqwest::get(nginx.url("/healthz"))
            .await
            .is_ok_and(|r| r.status() == reqwest::StatusCode::OK)
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "nginx did not start: {}",
                nginx.error_log()
            );
            actix_rt::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        nginx
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
