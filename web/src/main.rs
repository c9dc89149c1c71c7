//! The reader's bundle: hydrates the page the server rendered (see the library's documentation).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(peoples_stories_web::app::App);
}
