//! `peoples-stories generate --stories N`: deterministic synthetic stories for benchmarks and
//! paging tests.
//!
//! The same seed on an empty database gives the same stories: every choice comes from one
//! seeded generator, consumed in the same order whatever the database holds. Stories read like
//! human-rights news (titles, 150–400 word bodies, bylines, some summaries and dated updates),
//! spread over the five themes, over countries as unevenly as real news is, over about forty
//! synthetic publishers, and over 1995–2026 with day, month and year precision and a few
//! undated.
//!
//! Speed: rows are written with multi-row inserts, one transaction per chunk of stories, with
//! ids assigned here (`max(id) + 1` onward) so no story needs a read-back. The generator
//! assumes nothing else writes stories while it runs.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use peoples_stories_shared::PartialDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::countries::{capitalise, Catalog, CatalogCountry};
use crate::db::schema::{stories, story_countries, story_links, story_updates};
use crate::db::stories::PUBLISHED;
use crate::db::{sources, taxonomy, DbConn};

/// Stories written per transaction.
const CHUNK: usize = 1_000;

/// Bind parameters per SQLite statement, below its limit of 32,766.
const MAX_BINDS: usize = 30_000;

/// Adds `n` synthetic published stories, generated from `seed`, with progress on stderr.
///
/// Slugs are the title's slug followed by the story's id, so they never collide with each
/// other; the rare clash with an existing story's slug gets a `-2`, `-3`... suffix.
pub fn run(conn: &mut DbConn, n: u64, seed: u64) -> anyhow::Result<()> {
    if n == 0 {
        return Ok(());
    }
    let themes = taxonomy::theme_rows(conn)?;
    if themes.is_empty() {
        anyhow::bail!("there are no themes: migrate the database first");
    }
    let theme_ids: Vec<(String, i64)> = themes.into_iter().map(|t| (t.slug, t.id)).collect();
    let source_ids = conn.transaction::<_, anyhow::Error, _>(|conn| {
        let mut ids = Vec::with_capacity(SOURCES.len());
        for (name, domain) in SOURCES {
            ids.push(sources::find_or_create(
                conn,
                domain,
                name,
                &slug::slugify(name),
            )?);
        }
        Ok(ids)
    })?;

    if let DbConn::Sqlite(c) = conn {
        // BACKEND-SPECIFIC: SQLite's default page cache (2 MB) thrashes once the slug and date
        // indexes outgrow it; a larger cache for this connection keeps their inserts in memory.
        c.batch_execute("PRAGMA cache_size = -262144")?;
    }
    let mut next = NextIds::read(conn)?;
    let mut generator = Generator::new(seed, &theme_ids, &source_ids);

    let bar = ProgressBar::new(n);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} stories ({per_sec}, eta {eta})",
    ) {
        bar.set_style(style);
    }
    bar.set_message("generating");

    let result = (|| -> anyhow::Result<()> {
        let mut remaining = n;
        while remaining > 0 {
            let size = remaining.min(CHUNK as u64) as usize;
            let mut chunk = Chunk::default();
            for _ in 0..size {
                generator.story(&mut next, &mut chunk)?;
            }
            dodge_existing_slugs(conn, &mut chunk)?;
            write_chunk(conn, &chunk)?;
            remaining -= size as u64;
            bar.inc(size as u64);
        }
        Ok(())
    })();
    // Rows were inserted with explicit ids: move PostgreSQL's identity sequences past them,
    // even after a failure, so that later ordinary inserts do not collide with them.
    let synced = sync_sequences(conn);
    bar.finish_and_clear();
    result?;
    synced?;
    Ok(())
}

/// The next free id of each table whose ids the generator assigns.
struct NextIds {
    story: i64,
    update: i64,
    link: i64,
}

impl NextIds {
    fn read(conn: &mut DbConn) -> QueryResult<Self> {
        let story: Option<i64> = stories::table
            .select(diesel::dsl::max(stories::id))
            .first(conn)?;
        let update: Option<i64> = story_updates::table
            .select(diesel::dsl::max(story_updates::id))
            .first(conn)?;
        let link: Option<i64> = story_links::table
            .select(diesel::dsl::max(story_links::id))
            .first(conn)?;
        Ok(NextIds {
            story: story.unwrap_or(0) + 1,
            update: update.unwrap_or(0) + 1,
            link: link.unwrap_or(0) + 1,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = stories, treat_none_as_default_value = false)]
struct GenStory {
    id: i64,
    slug: String,
    title: String,
    theme_id: i64,
    byline: Option<String>,
    date_year: Option<i32>,
    date_month: Option<i32>,
    date_day: Option<i32>,
    date_start: Option<i32>,
    date_end: Option<i32>,
    sort_key: i32,
    summary: Option<String>,
    body: String,
    related_url: Option<String>,
    status: &'static str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = story_updates, treat_none_as_default_value = false)]
struct GenUpdate {
    id: i64,
    story_id: i64,
    position: i32,
    date_year: Option<i32>,
    date_month: Option<i32>,
    date_day: Option<i32>,
    body: String,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = story_countries, treat_none_as_default_value = false)]
struct GenCountry {
    story_id: i64,
    country_code: &'static str,
    position: i32,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = story_links, treat_none_as_default_value = false)]
struct GenLink {
    id: i64,
    story_id: i64,
    position: i32,
    url: String,
    title: Option<String>,
    source_id: i64,
}

/// The rows of one transaction's worth of stories.
#[derive(Debug, Default)]
struct Chunk {
    stories: Vec<GenStory>,
    updates: Vec<GenUpdate>,
    countries: Vec<GenCountry>,
    links: Vec<GenLink>,
}

/// Renames the chunk's stories whose slug an existing story already has (never on an empty
/// database, where the ids in the slugs are new).
fn dodge_existing_slugs(conn: &mut DbConn, chunk: &mut Chunk) -> QueryResult<()> {
    let slugs: Vec<&str> = chunk.stories.iter().map(|s| s.slug.as_str()).collect();
    let taken: Vec<String> = stories::table
        .filter(stories::slug.eq_any(slugs))
        .select(stories::slug)
        .load(conn)?;
    for story in chunk.stories.iter_mut().filter(|s| taken.contains(&s.slug)) {
        let mut n = 2;
        loop {
            let candidate = format!("{}-{n}", story.slug);
            if !crate::db::stories::slug_exists(conn, &candidate)? {
                story.slug = candidate;
                break;
            }
            n += 1;
        }
    }
    Ok(())
}

/// Writes a chunk in one transaction: multi-row inserts on SQLite, COPY on PostgreSQL.
fn write_chunk(conn: &mut DbConn, chunk: &Chunk) -> QueryResult<()> {
    match conn {
        DbConn::Pg(c) => c.transaction(|c| {
            // BACKEND-SPECIFIC: COPY (binary) is PostgreSQL's bulk path; it takes the rows
            // without parsing and planning a statement of thousands of parameters, and is
            // about twice as fast here as multi-row INSERTs.
            diesel::copy_from(stories::table)
                .from_insertable(&chunk.stories)
                .execute(c)?;
            diesel::copy_from(story_updates::table)
                .from_insertable(&chunk.updates)
                .execute(c)?;
            diesel::copy_from(story_countries::table)
                .from_insertable(&chunk.countries)
                .execute(c)?;
            diesel::copy_from(story_links::table)
                .from_insertable(&chunk.links)
                .execute(c)?;
            Ok(())
        }),
        DbConn::Sqlite(c) => c.transaction(|c| {
            // Each statement stays under SQLite's limit of 32,766 bound parameters.
            for part in chunk.stories.chunks(MAX_BINDS / 17) {
                diesel::insert_into(stories::table)
                    .values(part)
                    .execute(c)?;
            }
            for part in chunk.updates.chunks(MAX_BINDS / 7) {
                diesel::insert_into(story_updates::table)
                    .values(part)
                    .execute(c)?;
            }
            for part in chunk.countries.chunks(MAX_BINDS / 3) {
                diesel::insert_into(story_countries::table)
                    .values(part)
                    .execute(c)?;
            }
            for part in chunk.links.chunks(MAX_BINDS / 6) {
                diesel::insert_into(story_links::table)
                    .values(part)
                    .execute(c)?;
            }
            Ok(())
        }),
    }
}

/// Moves PostgreSQL's identity sequences past the ids the generator assigned.
fn sync_sequences(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        // BACKEND-SPECIFIC: PostgreSQL identity columns draw from a sequence that explicit ids
        // do not advance; SQLite's INTEGER PRIMARY KEY takes max(id) + 1 by itself.
        c.batch_execute(
            "SELECT setval(pg_get_serial_sequence('stories', 'id'), \
                 COALESCE((SELECT max(id) FROM stories), 1), \
                 (SELECT max(id) FROM stories) IS NOT NULL); \
             SELECT setval(pg_get_serial_sequence('story_updates', 'id'), \
                 COALESCE((SELECT max(id) FROM story_updates), 1), \
                 (SELECT max(id) FROM story_updates) IS NOT NULL); \
             SELECT setval(pg_get_serial_sequence('story_links', 'id'), \
                 COALESCE((SELECT max(id) FROM story_links), 1), \
                 (SELECT max(id) FROM story_links) IS NOT NULL);",
        )?;
    }
    Ok(())
}

/// Picks indexes with weights fixed in advance (a cumulative table and a binary search).
#[derive(Debug, Clone)]
struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Weighted { cumulative }
    }

    /// Zipf-like weights: the item of rank r (from 1) weighs 1 / r^s.
    fn zipf(len: usize, s: f64) -> Self {
        Weighted::new((1..=len).map(|r| 1.0 / (r as f64).powf(s)))
    }

    fn pick(&self, rng: &mut StdRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// A theme's words: what happens, to whom, and what is asked.
struct ThemeWords {
    slug: &'static str,
    issues: &'static [&'static str],
    groups: &'static [&'static str],
    demands: &'static [&'static str],
    forums: &'static [&'static str],
}

/// Country data the generator draws from: code, name.
type CountryEntry = (&'static str, &'static str);

/// Produces stories from one seeded random generator.
struct Generator {
    rng: StdRng,
    themes: Vec<(&'static ThemeWords, i64)>,
    theme_pick: Weighted,
    countries: Vec<CountryEntry>,
    country_pick: Weighted,
    sources: Vec<(&'static str, &'static str, i64)>,
    source_pick: Weighted,
    year_pick: Weighted,
}

/// What the current story's sentences are about.
struct Topic {
    theme: &'static ThemeWords,
    countries: Vec<&'static str>,
    year: i32,
}

impl Generator {
    /// `themes` are (slug, id) as stored; `source_ids` match [`SOURCES`] one to one.
    fn new(seed: u64, themes: &[(String, i64)], source_ids: &[i64]) -> Self {
        // Themes known to the database, in display order, with their vocabularies; a theme
        // without words of its own borrows justice's.
        let themes: Vec<(&'static ThemeWords, i64)> = themes
            .iter()
            .map(|(slug, id)| {
                let words = THEMES.iter().find(|t| t.slug == slug).unwrap_or(&THEMES[0]);
                (words, *id)
            })
            .collect();
        let theme_pick = Weighted::new(
            [0.30, 0.24, 0.18, 0.16, 0.12]
                .into_iter()
                .chain(std::iter::repeat(0.1))
                .take(themes.len()),
        );

        // Countries as news covers them: a few constantly, most rarely. The newsworthy come
        // first, then the rest of the catalogue in its (alphabetical) order.
        let catalog: &'static [CatalogCountry] = Catalog::get().all();
        let mut countries: Vec<CountryEntry> = Vec::with_capacity(catalog.len());
        for code in NEWSWORTHY {
            if let Some(c) = catalog.iter().find(|c| c.code == *code) {
                countries.push((c.code.as_str(), c.name.as_str()));
            }
        }
        for c in catalog {
            if !NEWSWORTHY.contains(&c.code.as_str()) {
                countries.push((c.code.as_str(), c.name.as_str()));
            }
        }
        let country_pick = Weighted::zipf(countries.len(), 1.0);

        let sources: Vec<(&'static str, &'static str, i64)> = SOURCES
            .iter()
            .zip(source_ids)
            .map(|((name, domain), id)| (*name, *domain, *id))
            .collect();
        let source_pick = Weighted::zipf(sources.len(), 0.8);
        // More stories in recent years, as the archive grows.
        let year_pick =
            Weighted::new((FIRST_YEAR..=LAST_YEAR).map(|y| 1.0 + (y - FIRST_YEAR) as f64 / 6.0));

        Generator {
            rng: StdRng::seed_from_u64(seed),
            themes,
            theme_pick,
            countries,
            country_pick,
            sources,
            source_pick,
            year_pick,
        }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    /// Generates one story with its parts into `chunk`, taking ids from `next`.
    fn story(&mut self, next: &mut NextIds, chunk: &mut Chunk) -> anyhow::Result<()> {
        let id = next.story;
        next.story += 1;

        let (theme, theme_id) = self.themes[self.theme_pick.pick(&mut self.rng)];
        let country_count = [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4]
            [self.rng.random_range(0..20)];
        let mut codes: Vec<CountryEntry> = Vec::with_capacity(country_count);
        while codes.len() < country_count {
            let c = self.countries[self.country_pick.pick(&mut self.rng)];
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
        let date = self.date()?;
        let year = match date {
            Some(d) => d.get_year(),
            None => FIRST_YEAR + self.year_pick.pick(&mut self.rng) as i32,
        };
        let topic = Topic {
            theme,
            countries: codes.iter().map(|(_, name)| *name).collect(),
            year,
        };

        let template = self.pick(TITLES);
        let title = capitalise(&self.fill(template, &topic));
        let mut title_slug = slug::slugify(&title);
        if title_slug.len() > 70 {
            let cut = title_slug[..70].rfind('-').unwrap_or(70);
            title_slug.truncate(cut);
        }
        let slug = format!("{title_slug}-{id}");
        let body = self.body(&topic);
        let byline = self.byline();
        let summary = if self.rng.random_bool(0.35) {
            let template = self.pick(SUMMARIES);
            Some(capitalise(&self.fill(template, &topic)))
        } else {
            None
        };

        let link_count = [1, 1, 2, 2, 2, 3, 3, 4, 5][self.rng.random_range(0..9)];
        let mut first_url = None;
        for position in 0..link_count {
            let (name, domain, source_id) = self.sources[self.source_pick.pick(&mut self.rng)];
            let link_year = (year + self.rng.random_range(0..2)).min(LAST_YEAR);
            let url = format!(
                "https://www.{domain}/{}/{link_year}/{:02}/{title_slug}-{}",
                self.pick(SECTIONS),
                self.rng.random_range(1..=12),
                self.rng.random_range(1000..99_999)
            );
            let link_title = if self.rng.random_bool(0.6) {
                Some(format!("{title} ({name})"))
            } else {
                None
            };
            first_url.get_or_insert_with(|| url.clone());
            chunk.links.push(GenLink {
                id: next.link,
                story_id: id,
                position,
                url,
                title: link_title,
                source_id,
            });
            next.link += 1;
        }
        let related_url = if self.rng.random_bool(0.2) {
            first_url
        } else {
            None
        };

        if self.rng.random_bool(0.18) {
            let count = self.rng.random_range(1..=3);
            for position in 0..count {
                let update_date = self.update_date(date, position)?;
                let (y, m, d) = crate::db::stories::date_parts(update_date);
                let sentences = self.rng.random_range(1..=3);
                let mut body = String::new();
                for _ in 0..sentences {
                    let template = self.pick(UPDATES);
                    if !body.is_empty() {
                        body.push(' ');
                    }
                    body.push_str(&capitalise(&self.fill(template, &topic)));
                }
                chunk.updates.push(GenUpdate {
                    id: next.update,
                    story_id: id,
                    position,
                    date_year: y,
                    date_month: m,
                    date_day: d,
                    body,
                });
                next.update += 1;
            }
        }

        for (position, &(code, _)) in codes.iter().enumerate() {
            chunk.countries.push(GenCountry {
                story_id: id,
                country_code: code,
                position: position as i32,
            });
        }

        let created_at = self.created_at(date, year)?;
        let (date_year, date_month, date_day) = crate::db::stories::date_parts(date);
        chunk.stories.push(GenStory {
            id,
            slug,
            title,
            theme_id,
            byline,
            date_year,
            date_month,
            date_day,
            date_start: date.map(|d| d.first_day_key()),
            date_end: date.map(|d| d.last_day_key()),
            sort_key: date.map(|d| d.first_day_key()).unwrap_or(0),
            summary,
            body,
            related_url,
            status: PUBLISHED,
            created_at,
            updated_at: created_at,
        });
        Ok(())
    }

    /// A story's date: mostly to the day, some to the month or year, a few unknown.
    fn date(&mut self) -> anyhow::Result<Option<PartialDate>> {
        let year = FIRST_YEAR + self.year_pick.pick(&mut self.rng) as i32;
        let month = self.rng.random_range(1..=12u32);
        let day = self
            .rng
            .random_range(1..=peoples_stories_shared::date::days_in_month(year, month));
        let roll = self.rng.random_range(0..100);
        let date = match roll {
            0..=3 => None,
            4..=15 => Some(PartialDate::year(year)),
            16..=37 => Some(PartialDate::month(year, month)),
            _ => Some(PartialDate::day(year, month, day)),
        };
        date.transpose()
            .map_err(|e| anyhow::anyhow!("generated date: {}", e.0))
    }

    /// An update's date: after the story's, by weeks to years; undated when the story is.
    fn update_date(
        &mut self,
        story: Option<PartialDate>,
        position: i32,
    ) -> anyhow::Result<Option<PartialDate>> {
        let Some(story) = story else {
            return Ok(None);
        };
        let year = (story.get_year() + position + self.rng.random_range(0..2)).min(LAST_YEAR);
        let month = self.rng.random_range(1..=12u32);
        let day = self
            .rng
            .random_range(1..=peoples_stories_shared::date::days_in_month(year, month));
        let date = if self.rng.random_bool(0.7) {
            PartialDate::day(year, month, day)
        } else {
            PartialDate::month(year, month)
        };
        date.map(Some)
            .map_err(|e| anyhow::anyhow!("generated date: {}", e.0))
    }

    /// When the story was added: a few days after its date, at some time of day.
    fn created_at(
        &mut self,
        date: Option<PartialDate>,
        year: i32,
    ) -> anyhow::Result<NaiveDateTime> {
        let (y, m, d) = match date {
            Some(date) => (
                date.get_year(),
                date.get_month().unwrap_or(12),
                date.get_day().unwrap_or_else(|| {
                    peoples_stories_shared::date::days_in_month(
                        date.get_year(),
                        date.get_month().unwrap_or(12),
                    )
                }),
            ),
            None => (year, self.rng.random_range(1..=12), 1),
        };
        let day = NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| anyhow::anyhow!("generated an impossible day {y}-{m}-{d}"))?;
        let later = day
            .checked_add_days(chrono::Days::new(self.rng.random_range(0..5)))
            .unwrap_or(day);
        later
            .and_hms_opt(
                self.rng.random_range(6..22),
                self.rng.random_range(0..60),
                self.rng.random_range(0..60),
            )
            .ok_or_else(|| anyhow::anyhow!("generated an impossible time"))
    }

    fn byline(&mut self) -> Option<String> {
        let org = |g: &mut Self| g.pick(SOURCES).0;
        match self.rng.random_range(0..100) {
            0..=29 => None,
            30..=49 => Some(self.person()),
            50..=69 => {
                let person = self.person();
                Some(format!("{person}, {}", org(self)))
            }
            70..=84 => Some(org(self).to_string()),
            85..=92 => Some(format!("{}, news agencies", org(self))),
            _ => {
                let (a, b) = (self.person(), self.person());
                Some(format!("{a}, {b}\n{}", org(self)))
            }
        }
    }

    fn person(&mut self) -> String {
        format!("{} {}", self.pick(FIRST_NAMES), self.pick(LAST_NAMES))
    }

    /// 150–400 words in paragraphs of two to four sentences.
    fn body(&mut self, topic: &Topic) -> String {
        let target = self.rng.random_range(MIN_WORDS..=MAX_WORDS);
        let mut body = String::with_capacity(target * 7);
        let mut words = 0;
        let mut in_paragraph = 0;
        let mut paragraph_len = self.rng.random_range(2..=4);
        // The opening sentence says what happened; the rest give detail, voices and context.
        let mut template = self.pick(OPENINGS);
        while words < target {
            let sentence = capitalise(&self.fill(template, topic));
            let count = sentence.split_whitespace().count();
            if words >= MIN_WORDS && words + count > MAX_WORDS {
                break;
            }
            words += count;
            if in_paragraph == paragraph_len {
                body.push_str("\n\n");
                in_paragraph = 0;
                paragraph_len = self.rng.random_range(2..=4);
            } else if !body.is_empty() {
                body.push(' ');
            }
            body.push_str(&sentence);
            in_paragraph += 1;
            template = self.pick(SENTENCES);
        }
        body
    }

    /// Fills a template's `{slots}` with words for the topic.
    fn fill(&mut self, template: &str, topic: &Topic) -> String {
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let slot = &rest[start + 1..start + len];
            match slot {
                "country" => out.push_str(topic.countries[0]),
                "other_country" => {
                    let i = self.rng.random_range(0..topic.countries.len());
                    out.push_str(topic.countries[i]);
                }
                "issue" => out.push_str(self.pick(topic.theme.issues)),
                "group" => out.push_str(self.pick(topic.theme.groups)),
                "demand" => out.push_str(self.pick(topic.theme.demands)),
                "forum" => out.push_str(self.pick(topic.theme.forums)),
                "org" => out.push_str(self.pick(ORGS)),
                "source" => out.push_str(self.pick(SOURCES).0),
                "person" => out.push_str(&self.person()),
                "role" => out.push_str(self.pick(ROLES)),
                "official" => out.push_str(self.pick(OFFICIALS)),
                "quote" => out.push_str(self.pick(QUOTES)),
                "detail" => out.push_str(self.pick(DETAILS)),
                "weekday" => out.push_str(self.pick(WEEKDAYS)),
                "month" => out.push_str(self.pick(MONTHS)),
                "year" => out.push_str(&topic.year.to_string()),
                "since" => {
                    let since = (topic.year - self.rng.random_range(1..=10)).max(1990);
                    out.push_str(&since.to_string());
                }
                "n" => out.push_str(&self.rng.random_range(3..200).to_string()),
                "years" => out.push_str(&self.rng.random_range(2..40).to_string()),
                "many" => {
                    let n = self.rng.random_range(2..60) * 100;
                    out.push_str(&n.to_string());
                }
                other => {
                    out.push('{');
                    out.push_str(other);
                    out.push('}');
                }
            }
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        out
    }
}

const FIRST_YEAR: i32 = 1995;
const MIN_WORDS: usize = 150;
const MAX_WORDS: usize = 400;
const LAST_YEAR: i32 = 2026;

/// Countries most often in the news, most first; every other country follows, rarer.
const NEWSWORTHY: &[&str] = &[
    "UA", "PS", "SY", "AF", "MM", "US", "RU", "CN", "SD", "IN", "IQ", "KH", "YE", "IL", "IR", "CD",
    "ET", "NG", "MX", "BR", "VE", "PH", "PK", "BD", "SO", "LY", "TR", "EG", "HT", "CO", "BY", "KP",
    "SA", "LK", "ZW", "NI", "GB", "FR", "LB", "ML", "TH", "LA", "VN", "GT", "KE",
];

/// The synthetic publishers: name, domain.
const SOURCES: &[(&str, &str)] = &[
    ("Global Rights Wire", "globalrightswire.org"),
    ("The Daily Courier", "dailycourier.news"),
    ("Human Rights Monitor", "hrmonitor.org"),
    ("Asia Justice Network", "asiajusticenetwork.org"),
    ("Africa Rights Watch", "africarightswatch.org"),
    ("Latin America Press Agency", "lapressagency.com"),
    ("Freedom Desk", "freedomdesk.net"),
    ("The World Observer", "worldobserver.news"),
    ("Mekong Rights Project", "mekongrights.org"),
    ("Civic Space Tracker", "civicspacetracker.org"),
    ("International Justice Review", "intljusticereview.org"),
    ("Refugee Voices", "refugeevoices.org"),
    ("The Morning Ledger", "morningledger.com"),
    ("Press Freedom Alliance", "pressfreedomalliance.org"),
    ("Centre for Democratic Governance", "cdgovernance.org"),
    ("Peace Research Bulletin", "peacebulletin.org"),
    ("Open Society Chronicle", "opensocietychronicle.com"),
    ("Equality Review", "equalityreview.org"),
    ("The Continental Times", "continentaltimes.news"),
    ("Labour Rights Observatory", "labourobservatory.org"),
    ("Women's Rights Network", "womensrightsnet.org"),
    ("Child Protection Watch", "childprotectionwatch.org"),
    ("Land and Housing Coalition", "landhousingcoalition.org"),
    ("Water for All Initiative", "waterforall-initiative.org"),
    ("The Evening Herald", "eveningherald.news"),
    ("Indigenous Peoples Forum", "indigenouspeoplesforum.org"),
    ("Detention Watch International", "detentionwatchintl.org"),
    ("Elections Observer", "electionsobserver.org"),
    ("The Harbour Gazette", "harbourgazette.com"),
    ("Migrant Solidarity Network", "migrantsolidarity.net"),
    ("Transitional Justice Lab", "tjlab.org"),
    ("Digital Rights Front", "digitalrightsfront.org"),
    ("Health Rights Now", "healthrightsnow.org"),
    ("The Frontier Dispatch", "frontierdispatch.com"),
    ("Courtwatch", "courtwatch.org"),
    ("Free Expression Institute", "freeexpressioninstitute.org"),
    ("Regional News Service", "regionalnewsservice.com"),
    ("Humanitarian Bulletin", "humanitarianbulletin.org"),
    ("Anti-Trafficking Coalition", "antitraffickingcoalition.org"),
    ("The Independent Record", "independentrecord.net"),
];

const THEMES: &[ThemeWords] = &[
    ThemeWords {
        slug: "justice",
        issues: &[
            "enforced disappearances",
            "arbitrary detention",
            "torture in custody",
            "impunity for war crimes",
            "trafficking for forced labour",
            "extrajudicial killings",
            "unfair trials",
            "the use of the death penalty",
            "abuses in prisons",
            "the harassment of defence lawyers",
        ],
        groups: &[
            "families of the disappeared",
            "detainees",
            "survivors of torture",
            "trafficking victims",
            "defence lawyers",
            "former prisoners",
            "witnesses",
            "victims' associations",
        ],
        demands: &[
            "open an independent and impartial investigation",
            "bring those responsible to justice in fair trials",
            "release everyone detained arbitrarily",
            "provide reparations to victims and their families",
            "allow independent monitors into places of detention",
            "ratify the convention against enforced disappearance",
        ],
        forums: &[
            "the Supreme Court",
            "the International Criminal Court",
            "a regional human rights court",
            "the UN Committee against Torture",
        ],
    },
    ThemeWords {
        slug: "freedom",
        issues: &[
            "restrictions on the press",
            "the jailing of journalists",
            "internet shutdowns",
            "bans on peaceful assembly",
            "religious persecution",
            "the surveillance of activists",
            "censorship of social media",
            "travel bans on critics",
        ],
        groups: &[
            "journalists",
            "bloggers",
            "peaceful protesters",
            "religious minorities",
            "students",
            "human rights defenders",
            "writers and artists",
            "trade unionists",
        ],
        demands: &[
            "release journalists held for their work",
            "restore access to the internet",
            "repeal laws that criminalise peaceful expression",
            "allow peaceful assemblies to go ahead",
            "stop the surveillance of civil society",
        ],
        forums: &[
            "the Constitutional Court",
            "the UN Human Rights Committee",
            "a regional human rights commission",
        ],
    },
    ThemeWords {
        slug: "peace",
        issues: &[
            "attacks on civilians",
            "forced displacement",
            "landmines and unexploded ordnance",
            "the recruitment of child soldiers",
            "sexual violence in conflict",
            "the blocking of humanitarian aid",
            "the shelling of schools and hospitals",
            "attacks on aid workers",
        ],
        groups: &[
            "displaced families",
            "refugees",
            "children",
            "aid workers",
            "villagers",
            "survivors",
            "returnees",
        ],
        demands: &[
            "protect civilians and civilian infrastructure",
            "let humanitarian aid through without delay",
            "clear landmines from farmland and villages",
            "release and rehabilitate child soldiers",
            "agree to a lasting ceasefire",
        ],
        forums: &[
            "the UN Security Council",
            "a commission of inquiry",
            "peace talks",
            "the International Court of Justice",
        ],
    },
    ThemeWords {
        slug: "democracy",
        issues: &[
            "the postponement of elections",
            "the dissolution of opposition parties",
            "attacks on judicial independence",
            "vote buying and intimidation",
            "rule by emergency decree",
            "corruption in public office",
            "restrictions on civil society",
        ],
        groups: &[
            "opposition politicians",
            "election observers",
            "voters",
            "judges",
            "civil society groups",
            "young activists",
        ],
        demands: &[
            "hold free and fair elections on schedule",
            "lift the ban on opposition parties",
            "restore the independence of the courts",
            "end the state of emergency",
            "let election observers work freely",
        ],
        forums: &[
            "parliament",
            "the electoral commission",
            "the Constitutional Court",
            "a regional court",
        ],
    },
    ThemeWords {
        slug: "well-being",
        issues: &[
            "forced evictions",
            "a lack of clean water",
            "hunger and malnutrition",
            "barriers to health care",
            "child labour",
            "unsafe working conditions",
            "the denial of education to girls",
            "land grabs",
        ],
        groups: &[
            "garment workers",
            "indigenous communities",
            "migrant workers",
            "informal settlers",
            "girls",
            "people with disabilities",
            "farming families",
            "older people",
        ],
        demands: &[
            "halt evictions until residents are consulted and compensated",
            "guarantee safe drinking water to every household",
            "enforce the minimum wage and safety rules",
            "keep girls in school",
            "make basic health care free at the point of use",
        ],
        forums: &[
            "the labour court",
            "the national human rights commission",
            "the UN Committee on Economic, Social and Cultural Rights",
        ],
    },
];

const TITLES: &[&str] = &[
    "{country}: {group} demand an end to {issue}",
    "UN experts urge {country} to {demand}",
    "Report documents {issue} in {country}",
    "{source} calls on {country} to {demand}",
    "Court in {country} hears the case of {n} {group}",
    "{group} in {country} speak out about {issue}",
    "Rights groups warn of rising {issue} in {country}",
    "New law in {country} threatens {group}, activists say",
    "{country} under pressure over {issue}",
    "Inside the fight against {issue} in {country}",
    "Years on, {group} in {country} are still waiting for justice",
    "{country} and {other_country} pledge to tackle {issue}",
];

const OPENINGS: &[&str] = &[
    "{org} said on {weekday} that {issue} in {country} had reached a level not seen in years.",
    "A report published today by {source} documents {issue} across {country}, based on {n} interviews with {group}.",
    "{group} in {country} have called on the authorities to {demand}, after months of {issue}.",
    "Authorities in {country} are facing mounting criticism over {issue}, {org} said.",
    "Hundreds of {group} gathered in the capital of {country} on {weekday} to protest against {issue}.",
    "The case of {n} {group} came before {forum} this week, in what lawyers describe as a test of the rule of law in {country}.",
];

const SENTENCES: &[&str] = &[
    "According to {org}, at least {many} {group} have been affected since the start of {year}.",
    "\"We are seeing {issue} on a scale that demands an urgent response,\" said {person}, {role} at {source}.",
    "The authorities in {country} have denied the allegations, saying that they act within the law.",
    "{source} urged the government to {demand}.",
    "Witnesses described {detail}.",
    "The report documents {issue} in at least {n} districts of {country}.",
    "International law obliges states to protect {group} and to {demand}.",
    "A spokesperson for {official} did not respond to a request for comment.",
    "Lawyers representing {group} said they would take the case to {forum}.",
    "The findings are due to be presented to the UN Human Rights Council in Geneva in {month}.",
    "Local organisations say the true number is likely to be far higher, because many {group} fear reprisals.",
    "Since {since}, {org} has recorded more than {many} cases of {issue}.",
    "Diplomats from {other_country} and several other countries expressed concern but stopped short of announcing sanctions.",
    "{person}, one of the {group} interviewed, said: \"{quote}\"",
    "The government announced a commission of inquiry, but rights groups questioned its independence.",
    "Humanitarian agencies warned that cuts in funding were making the situation worse.",
    "Observers noted that similar promises made in {since} had never been kept.",
    "The case has drawn attention to {issue} across the wider region, including in {other_country}.",
    "{official} said the measures were needed to protect public order.",
    "Many {group} said they had received no information about their rights or about where to seek help.",
    "\"{quote}\" said {person}, who has worked with {group} for {years} years.",
    "{org} called on the international community to press {country} to {demand}.",
    "The new figures come as {country} prepares for a review of its human rights record at the United Nations.",
    "Researchers from {source} were unable to visit some areas because of restrictions on access.",
    "Some {group} have fled to {other_country}, where they live without legal status.",
];

const SUMMARIES: &[&str] = &[
    "{source} documents {issue} affecting {group} in {country}.",
    "{group} in {country} call on the authorities to {demand}.",
    "Rights groups say {issue} in {country} must end, and that those responsible must answer for it.",
    "A new report counts at least {many} {group} affected by {issue} in {country} since {since}.",
];

const UPDATES: &[&str] = &[
    "{forum} postponed the hearing until {month}.",
    "{source} said that {n} more {group} had come forward since the report was published.",
    "The authorities released {n} of those detained, but others remain in custody.",
    "A follow-up report by {org} found that little had changed for {group} in {country}.",
    "The government of {country} accepted a recommendation to {demand}, but has yet to act on it.",
    "{person}, {role} at {source}, welcomed the decision as a first step.",
    "Protests continued in several cities, and {n} people were reported arrested.",
];

const ORGS: &[&str] = &[
    "the UN Human Rights Office",
    "the UN refugee agency",
    "the UN Special Rapporteur on the situation of human rights defenders",
    "a coalition of local rights groups",
    "the national human rights commission",
    "an independent panel of UN experts",
    "a network of community lawyers",
    "a regional rights organisation",
];

const ROLES: &[&str] = &[
    "director of research",
    "legal adviser",
    "regional director",
    "a senior researcher",
    "spokesperson",
    "a field officer",
    "head of advocacy",
];

const OFFICIALS: &[&str] = &[
    "the interior ministry",
    "the ministry of justice",
    "the prime minister's office",
    "the national police",
    "the foreign ministry",
    "the provincial governor",
    "the army",
];

const DETAILS: &[&str] = &[
    "long days without food or rest",
    "being held for weeks without access to a lawyer",
    "armed men arriving at night and taking people away",
    "threats made against their relatives",
    "homes being demolished with only hours of notice",
    "checkpoints where people were turned back without explanation",
    "crowded rooms with no light and little water",
    "being made to sign documents they could not read",
];

const QUOTES: &[&str] = &[
    "We only want the truth and to be treated with dignity.",
    "Nobody has told us anything, and we are still waiting.",
    "We will keep speaking, whatever the cost.",
    "The law must apply to everyone, including those in power.",
    "My children ask me every day when we can go home.",
    "We were told to be silent, but silence has not protected us.",
    "This is not charity that we are asking for; these are our rights.",
];

const FIRST_NAMES: &[&str] = &[
    "Amina", "Sokha", "Maria", "Daniel", "Leila", "Tomas", "Nadia", "Kwame", "Ana", "Rahul", "Mei",
    "Olga", "Samuel", "Fatima", "Jorge", "Aung", "Ingrid", "Chinedu", "Yusuf", "Elena", "Thida",
    "Kofi", "Sofia", "Hamid", "Grace", "Pablo", "Lina", "Dmitri", "Ayesha", "Peter",
];

const LAST_NAMES: &[&str] = &[
    "Mensah", "Chea", "Gonzalez", "Novak", "Haddad", "Okafor", "Silva", "Sharma", "Chen",
    "Petrova", "Ibrahim", "Rossi", "Kyaw", "Andersen", "Mwangi", "Rahman", "Nguyen", "Lopez",
    "Kowalski", "Tesfaye", "Ahmadi", "Dubois", "Mutasa", "Park", "Morales",
];

const SECTIONS: &[&str] = &[
    "news",
    "world",
    "en/latest",
    "reports",
    "stories",
    "press-releases",
];

const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

const MONTHS: &[&str] = &peoples_stories_shared::date::MONTHS_LONG;

#[cfg(test)]
mod tests {
    use super::*;

    fn make(seed: u64, n: usize) -> anyhow::Result<Chunk> {
        let themes: Vec<(String, i64)> = THEMES
            .iter()
            .enumerate()
            .map(|(i, t)| (t.slug.to_string(), i as i64 + 1))
            .collect();
        let source_ids: Vec<i64> = (1..=SOURCES.len() as i64).collect();
        let mut g = Generator::new(seed, &themes, &source_ids);
        let mut next = NextIds {
            story: 1,
            update: 1,
            link: 1,
        };
        let mut chunk = Chunk::default();
        for _ in 0..n {
            g.story(&mut next, &mut chunk)?;
        }
        Ok(chunk)
    }

    #[test]
    fn the_same_seed_gives_the_same_stories() -> anyhow::Result<()> {
        let (a, b) = (make(7, 200)?, make(7, 200)?);
        assert_eq!(a.stories, b.stories);
        assert_eq!(a.updates, b.updates);
        assert_eq!(a.countries, b.countries);
        assert_eq!(a.links, b.links);
        assert_ne!(make(8, 20)?.stories, make(7, 20)?.stories);
        Ok(())
    }

    #[test]
    fn stories_are_well_formed_and_varied() -> anyhow::Result<()> {
        let chunk = make(1, 2_000)?;
        let mut slugs: Vec<&str> = chunk.stories.iter().map(|s| s.slug.as_str()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), 2_000);
        for s in &chunk.stories {
            let words = s.body.split_whitespace().count();
            assert!((MIN_WORDS..=MAX_WORDS).contains(&words), "{words} words");
            assert!(!s.body.contains('{'), "unfilled slot in {}", s.body);
            assert!(!s.title.contains('{'), "unfilled slot in {}", s.title);
            assert_eq!(s.sort_key, s.date_start.unwrap_or(0));
            if let Some(y) = s.date_year {
                assert!((FIRST_YEAR..=LAST_YEAR).contains(&y));
            }
        }
        let undated = chunk
            .stories
            .iter()
            .filter(|s| s.date_year.is_none())
            .count();
        let by_year = chunk
            .stories
            .iter()
            .filter(|s| s.date_year.is_some() && s.date_month.is_none())
            .count();
        let by_month = chunk
            .stories
            .iter()
            .filter(|s| s.date_month.is_some() && s.date_day.is_none())
            .count();
        assert!(undated > 20 && by_year > 100 && by_month > 200);
        for theme in 1..=5 {
            assert!(chunk.stories.iter().filter(|s| s.theme_id == theme).count() > 100);
        }
        let per_story = chunk.countries.len() as f64 / 2_000.0;
        assert!((1.5..2.5).contains(&per_story));
        assert!(chunk.countries.iter().any(|c| c.country_code == "KH"));
        let links = chunk.links.len() as f64 / 2_000.0;
        assert!((1.5..3.5).contains(&links));
        assert!(!chunk.updates.is_empty());
        Ok(())
    }
}
