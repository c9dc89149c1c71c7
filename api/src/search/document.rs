//! A story as a search document.

use peoples_stories_shared::Story;
use tantivy::TantivyDocument;

use super::Fields;
use crate::countries::Catalog;

/// A story's text below its title, as indexed and as highlighted: the summary, the body and
/// the updates.
pub fn searchable_body(s: &Story) -> String {
    let mut body = String::new();
    if let Some(summary) = &s.summary {
        body.push_str(summary);
        body.push_str("\n\n");
    }
    body.push_str(&s.body);
    for u in &s.updates {
        body.push_str("\n\n");
        body.push_str(&u.body);
    }
    body
}

pub fn story_document(f: &Fields, s: &Story) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, s.id as u64);
    doc.add_text(f.title, &s.title);
    let body = searchable_body(s);
    let mut seen_sources = Vec::new();
    for l in &s.links {
        if !seen_sources.contains(&l.source.id) {
            seen_sources.push(l.source.id);
            doc.add_u64(f.source_id, l.source.id as u64);
        }
    }
    for c in &s.countries {
        doc.add_text(f.country, &c.code);
    }
    doc.add_text(f.theme, &s.theme);
    // The catch-all field: one value per part, so phrases never run across two parts. The
    // pairs field holds the same parts' common-word pairs.
    let mut phrased = vec![s.title.as_str(), body.as_str()];
    phrased.extend(s.byline.as_deref());
    phrased.extend(s.links.iter().map(|l| l.source.name.as_str()));
    for text in phrased {
        doc.add_text(f.all, text);
        doc.add_text(f.pairs, text);
    }
    for l in &s.links {
        doc.add_text(f.all, &l.source.domain);
    }
    for c in &s.countries {
        doc.add_text(f.all, &c.code);
        doc.add_text(f.all, &c.name);
        if let Some(entry) = Catalog::get().by_code(&c.code) {
            for alias in &entry.aliases {
                doc.add_text(f.all, alias);
            }
        }
    }
    match s.date {
        Some(d) => {
            doc.add_i64(f.date_start, d.first_day_key() as i64);
            doc.add_i64(f.date_end, d.last_day_key() as i64);
            doc.add_i64(f.sort_key, d.first_day_key() as i64);
            doc.add_u64(f.year, d.get_year() as u64);
        }
        None => doc.add_i64(f.sort_key, 0),
    }
    doc
}
