// Starts the admin view (boot.js is the reader's, which hydrates a page's islands).
// scripts/build-web.sh replaces __PS_VERSION__ with the build's hash.
import init from '/peoples_stories_admin.js?v=__PS_VERSION__';

init({ module_or_path: '/peoples_stories_admin_bg.wasm?v=__PS_VERSION__' });
