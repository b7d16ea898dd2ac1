/**
 * How long a request's statement waits for a lock another process holds on the database file
 * (a second gateway writing, the `sqlite3` shell, Litestream's checkpoint) before it is a 503
 * with `Retry-After`.
 *
 * Without a wait, a write that meets another process's write fails at once: two gateways on
 * one file lost a few percent of their writes that way. But libSQL's native driver runs every
 * statement on the event loop, so while one statement waits, no other request of this
 * gateway is served: the wait is a pause of the whole process. A gateway's own writes hold
 * the lock well under a millisecond (a few with `SQLITE_SYNCHRONOUS=FULL`), so a quarter of
 * a second outlasts many of another gateway's commits while bounding the pause every other
 * request may see; a lock held longer (a long transaction in the shell) is better answered
 * 503 than waited for. SQLite retries with growing sleeps (1 ms, 2, 5, 10 … 100) meanwhile.
 */
export const BUSY_TIMEOUT_MS = 250

/**
 * The wait at start-up, while the file is opened and migrated: nothing is served yet, and a
 * second gateway starting at the same moment may hold the lock while it applies migrations.
 * A file another process holds for longer (`SQLITE_LOCKING=EXCLUSIVE`) still refuses the
 * start, after this long.
 */
export const STARTUP_BUSY_TIMEOUT_MS = 5000
