//! The moderators' bundle: the admin view under `/admin` (see the library's documentation).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(peoples_stories_web::admin_app::AdminApp);
}
