//! Paths the app sends a browser to that come from outside it.

/// The admin view's dashboard: where signing in leads unless `?next=` names somewhere better.
pub const ADMIN_HOME: &str = "/admin";

/// Where the admin view goes after signing in: `next` (the `?next=` of `/admin/login`, as
/// decoded from the query) when it names a page of the admin view on this site, else the
/// dashboard, [`ADMIN_HOME`].
///
/// The path is normalised as a browser would read it before it is judged: `.` and `..`
/// segments (also spelt with `%2e`) are resolved and repeated slashes collapsed. Refused
/// outright: anything not starting with a single `/` (a scheme, `//host`, a relative path),
/// backslashes (browsers read them as slashes), control characters and whitespace (browsers
/// drop tabs and newlines from URLs), and encoded slashes or backslashes. What is left must
/// be `/admin` or under `/admin/`, and never the sign-in page. The query and fragment are
/// kept as they were.
pub fn safe_admin_next(next: Option<&str>) -> String {
    next.and_then(admin_path)
        .unwrap_or_else(|| ADMIN_HOME.to_string())
}

fn admin_path(next: &str) -> Option<String> {
    if next
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    let cut = next.find(['?', '#']).unwrap_or(next.len());
    let (path, rest) = next.split_at(cut);
    // Only a path on this origin: no scheme (`https:`, `javascript:`), no authority (`//`).
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return None;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match dots(segment) {
            _ if segment.is_empty() => {}
            Some(Dots::One) => {}
            Some(Dots::Two) => {
                segments.pop();
            }
            None => segments.push(segment),
        }
    }
    if segments.first() != Some(&"admin")
        || segments
            .get(1)
            .is_some_and(|s| s.eq_ignore_ascii_case("login"))
    {
        return None;
    }
    Some(format!("/{}{rest}", segments.join("/")))
}

enum Dots {
    One,
    Two,
}

/// Whether a segment is `.` or `..` as URLs spell them (`%2e` is a dot too).
fn dots(segment: &str) -> Option<Dots> {
    match segment.to_ascii_lowercase().replace("%2e", ".").as_str() {
        "." => Some(Dots::One),
        ".." => Some(Dots::Two),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_of_the_admin_view_on_this_site() {
        let table: &[(Option<&str>, &str)] = &[
            // Pages of the admin view, as they are.
            (None, "/admin"),
            (Some("/admin"), "/admin"),
            (Some("/admin/"), "/admin"),
            (Some("/admin/stories"), "/admin/stories"),
            (
                Some("/admin/submissions?status=pending&offset=20"),
                "/admin/submissions?status=pending&offset=20",
            ),
            (Some("/admin/stories/12#links"), "/admin/stories/12#links"),
            (
                Some("/admin/audit?actor=a%20b&next=//evil.example"),
                "/admin/audit?actor=a%20b&next=//evil.example",
            ),
            // Normalised first.
            (Some("/admin//stories"), "/admin/stories"),
            (Some("/admin/./stories/."), "/admin/stories"),
            (Some("/admin/stories/../sources"), "/admin/sources"),
            (Some("/admin/%2e/stories"), "/admin/stories"),
            (Some("/admin/x/%2E%2e/tokens"), "/admin/tokens"),
            (Some("/admin/..."), "/admin/..."),
            // Leaving the admin view or the site.
            (Some("/admin/..//evil.example/"), "/admin"),
            (Some("/admin/../..//evil.example"), "/admin"),
            (Some("/admin/%2e%2e//x"), "/admin"),
            (Some("/admin/.%2e//x"), "/admin"),
            (Some("/admin/%2e./x"), "/admin"),
            (Some("/admin/../../x"), "/admin"),
            (Some("/admin/.."), "/admin"),
            (Some("/admin/stories/../../"), "/admin"),
            (Some("/admin\\evil"), "/admin"),
            (Some("/admin\\\\evil.example"), "/admin"),
            (Some("/admin/..\\evil.example"), "/admin"),
            (Some("/admin/%2f%2fevil.example"), "/admin"),
            (Some("/admin/%5Cevil.example"), "/admin"),
            (Some("/adminx"), "/admin"),
            (Some("/admin@evil.example"), "/admin"),
            (Some("/admin.evil.example"), "/admin"),
            (Some("/ADMIN"), "/admin"),
            (Some("/"), "/admin"),
            (Some("/stories"), "/admin"),
            (Some(""), "/admin"),
            (Some("admin"), "/admin"),
            (Some("admin/stories"), "/admin"),
            (Some("?next=/admin"), "/admin"),
            (Some("//evil.example/admin"), "/admin"),
            (Some("///evil.example/admin"), "/admin"),
            (Some("https://evil.example/admin"), "/admin"),
            (Some("javascript:alert(1)//admin"), "/admin"),
            (Some("data:text/html,/admin"), "/admin"),
            // Characters browsers drop or read differently.
            (Some("/admin/\t/evil.example"), "/admin"),
            (Some("/\t/evil.example/admin"), "/admin"),
            (Some("/admin/..\n//evil.example"), "/admin"),
            (Some("/admin\r\n"), "/admin"),
            (Some(" /admin"), "/admin"),
            (Some("/admin/stories\u{0}"), "/admin"),
            (Some("/admin/\u{85}x"), "/admin"),
            // Never back to the sign-in page.
            (Some("/admin/login"), "/admin"),
            (Some("/admin/login?next=/admin/stories"), "/admin"),
            (Some("/admin/Login"), "/admin"),
            (Some("/admin//login"), "/admin"),
            (Some("/admin/x/../login"), "/admin"),
            (Some("/admin/login/"), "/admin"),
        ];
        for (next, expected) in table {
            assert_eq!(safe_admin_next(*next), *expected, "next = {next:?}");
        }
    }
}
