// Starts the app. A file rather than an inline script, so the Content-Security-Policy can
// forbid inline scripts. scripts/build-web.sh replaces __PS_VERSION__ with the build's hash.
import init from '/peoples_stories_web.js?v=__PS_VERSION__';

init({ module_or_path: '/peoples_stories_web_bg.wasm?v=__PS_VERSION__' });
