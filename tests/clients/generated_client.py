"""Uses a Python client generated from the OpenAPI document (openapi-python-client) against a
running server, as an NGO's script would: lists with several facets, countries and themes,
lists with only some fields, searches, exports, harvests with a cursor, submits a story and signs the guestbook.

Run by tests/integration/api/clients.rs: `python generated_client.py BASE_URL`, with the
generated package `ps_client` on PYTHONPATH. Exits non-zero (an AssertionError or an
unexpected status) when the client and the server disagree.
"""

import datetime
import json
import sys
import uuid

from ps_client import Client
from ps_client.api.contributions import create_submission, list_guestbook, sign_guestbook
from ps_client.api.stories import export_stories, get_story, list_stories
from ps_client.api.taxonomy import list_countries, list_themes
from ps_client.models import (
    CreateSubmission,
    ExportStoriesFormat,
    SignGuestbook,
    Story,
    StoryFields,
    SubmittedLink,
)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

base = sys.argv[1]
client = Client(base_url=base, raise_on_unexpected_status=True)

# Lists: several countries and themes (repeated parameters), several facets.
page = list_stories.sync(
    client=client,
    country=["KH", "Laos"],
    theme=["justice", "freedom"],
    facets="country,year",
    limit=5,
)
assert page.total >= 1, page
assert all(s.theme in ("justice", "freedom") for s in page.items), page.items
codes = {c.code for s in page.items for c in s.countries}
assert codes & {"KH", "LA"}, codes
facets = page.facets.to_dict()
assert "country" in facets and "year" in facets, facets

# Only some fields: each item is a StoryFields holding `id` and those keys, nothing else.
slim = list_stories.sync(client=client, theme=["justice"], fields=["title", "slug"], limit=5)
assert slim.items and slim.total >= len(slim.items), slim
for s in slim.items:
    assert isinstance(s, StoryFields), type(s)
    assert set(s.to_dict()) == {"id", "title", "slug"}, s.to_dict()
    assert isinstance(s.id, int) and s.title and s.slug, s
assert {s.id for s in slim.items} <= {s.id for s in list_stories.sync(
    client=client, theme=["justice"], limit=100).items}
# Without `fields`, whole stories.
assert all(isinstance(s, Story) for s in page.items), [type(s) for s in page.items]

# One story by slug, as the list named it.
story = get_story.sync(client=client, id_or_slug=page.items[0].slug)
assert story.id == page.items[0].id

# Search, with highlights.
found = list_stories.sync(client=client, q="detained", limit=3)
assert found.total >= 1, found
assert "<mark>" in (found.items[0].highlight or ""), found.items[0]

# Taxonomy.
themes = list_themes.sync(client=client)
assert {t.slug for t in themes} >= {"justice", "freedom", "peace"}, themes
countries = list_countries.sync(client=client, q="camb")
assert any(c.code == "KH" for c in countries), countries

# Export: JSON Lines of one theme, only some fields.
res = export_stories.sync_detailed(
    client=client, format_=ExportStoriesFormat.JSONL, theme=["justice"], fields=["title", "slug"]
)
assert res.status_code == 200, res
lines = [json.loads(line) for line in res.content.decode().splitlines() if line]
assert lines and all(set(l) == {"id", "title", "slug"} for l in lines), lines[:2]

# Harvest: walk every story by change with the cursor; none twice.
seen, cursor = [], None
while True:
    kwargs = {"cursor": cursor} if cursor else {"updated_since": EPOCH}
    walk = list_stories.sync(client=client, limit=7, **kwargs)
    seen.extend(s.slug for s in walk.items)
    cursor = walk.cursor if isinstance(walk.cursor, str) else None
    if not walk.items or not cursor:
        break
assert len(seen) == len(set(seen)), "a story came twice"
everything = list_stories.sync(client=client, limit=1)
assert len(seen) == everything.total, (len(seen), everything.total)

# A reader's story, and the guestbook.
receipt = create_submission.sync(
    client=client,
    body=CreateSubmission(
        title="Generated client story",
        body="Three land defenders were detained after a peaceful protest, a client says.",
        theme="justice",
        countries=["KH", "Laos"],
        links=[SubmittedLink(url="https://www.ohchr.org/en/press-releases")],
        consent=True,
    ),
    idempotency_key=str(uuid.uuid4()),
)
assert receipt.status == "pending", receipt
entry = sign_guestbook.sync(
    client=client,
    body=SignGuestbook(name="Maria", message="Thank you for these stories.", country="Laos"),
    idempotency_key=str(uuid.uuid4()),
)
assert entry is not None
book = list_guestbook.sync(client=client)
assert any(e.name == "Maria" for e in book.items), book

print(f"ok: {page.total} listed, {len(slim.items)} with fields, {found.total} found, {len(lines)} exported, {len(seen)} harvested")
