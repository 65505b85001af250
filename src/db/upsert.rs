//! Inserts that skip the rows already there, written once: [`insert_new!`](crate::insert_new).
//! The combined connection does not compile upserts, so the statement runs on the
//! backend's own connection: SQLite's `INSERT OR IGNORE`, PostgreSQL's `ON CONFLICT ... DO
//! NOTHING`. (A generic function cannot name diesel's upsert statement types, and diesel
//! does not run `ON CONFLICT` batches on SQLite; a macro is the one place for both.)

/// Rows per multi-row insert, well under both backends' parameter limits.
pub const BATCH: usize = 200;

/// `insert_new!(conn, table, rows, key)`: insert `rows` (anything `Insertable` into `table`,
/// one row or a batch) on `conn: &mut DbConnection`, skipping rows whose `key` (a column or
/// a tuple of columns; omitted: any unique key) is stored already. Evaluates to
/// `QueryResult<usize>`, how many rows were created.
#[macro_export]
macro_rules! insert_new {
    ($conn:expr, $table:expr, $rows:expr $(, $key:expr)?) => {
        match $conn {
            $crate::db::DbConnection::Sqlite(c) => diesel::RunQueryDsl::execute(
                diesel::insert_or_ignore_into($table).values($rows),
                c,
            ),
            $crate::db::DbConnection::Postgres(c) => diesel::RunQueryDsl::execute(
                $crate::insert_new!(@pg diesel::insert_into($table).values($rows) $(, $key)?),
                c,
            ),
        }
    };
    (@pg $insert:expr, $key:expr) => {
        $insert.on_conflict($key).do_nothing()
    };
    (@pg $insert:expr) => {
        $insert.on_conflict_do_nothing()
    };
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use crate::db::schema::match_notices as mn;
    use crate::db::{DbConnection, scratch};

    fn insert(c: &mut DbConnection, pairs: &[(&str, &str)]) -> QueryResult<usize> {
        let rows: Vec<_> = pairs
            .iter()
            .map(|(a, b)| {
                (
                    mn::listing_id.eq(*a),
                    mn::matched_listing_id.eq(*b),
                    mn::score.eq(0.5),
                    mn::created_at.eq(crate::db::types::now()),
                )
            })
            .collect();
        crate::insert_new!(c, mn::table, rows, (mn::listing_id, mn::matched_listing_id))
    }

    #[test]
    fn rows_whose_key_is_stored_are_skipped_and_not_counted() {
        let mut c = scratch::sqlite();
        c.batch_execute("PRAGMA foreign_keys = OFF").unwrap();
        assert_eq!(insert(&mut c, &[("a", "b"), ("a", "c")]).unwrap(), 2);
        assert_eq!(insert(&mut c, &[("a", "c"), ("b", "a")]).unwrap(), 1);
        assert_eq!(insert(&mut c, &[("a", "b")]).unwrap(), 0);
        let n: i64 = mn::table.count().get_result(&mut c).unwrap();
        assert_eq!(n, 3);
    }
}
