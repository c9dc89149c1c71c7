//! The reader's bundle: every page outside `/admin` (see the library's documentation).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(peoples_stories_web::app::App);
}
