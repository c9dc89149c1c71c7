//! PLACEHOLDER being replaced by the generate helper: not to be committed as is.
use crate::db::DbConn;
pub fn run(_conn: &mut DbConn, _n: u64, _seed: u64) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
