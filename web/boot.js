// Hydrates the page's islands: the parts of a server-rendered page that run in the browser
// (the search, submission and guestbook forms). A page without one loads no app code at all.
// A file rather than an inline script, so the Content-Security-Policy can forbid inline
// scripts. scripts/build-web.sh replaces __PS_VERSION__ with the build's hash.
const islands = document.querySelectorAll('leptos-island');
if (islands.length > 0) {
    const app = await import('/peoples_stories_web.js?v=__PS_VERSION__');
    await app.default({ module_or_path: '/peoples_stories_web_bg.wasm?v=__PS_VERSION__' });
    for (const island of islands) {
        // Each island's element names its hydration function (`#[island]`, leptos).
        const hydrate = app[island.dataset.component];
        if (hydrate) {
            await hydrate(island);
            island.dataset.hydrated = '';
        } else {
            console.error(`no code for the island ${island.dataset.component}`);
        }
    }
}
