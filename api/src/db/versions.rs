//! The version numbers of public data outside the story change log (migration 000006):
//! triggers move them on every visible change to the guestbook and the sources.

use diesel::prelude::*;

use super::schema::data_versions;
use super::DbConn;

/// The guestbook's and the sources' version numbers, as committed now.
pub fn read(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let rows: Vec<(String, i64)> = data_versions::table
        .select((data_versions::area, data_versions::version))
        .load(conn)?;
    let of = |area: &str| rows.iter().find(|(a, _)| a == area).map_or(0, |(_, v)| *v);
    Ok((of("guestbook"), of("sources")))
}
