import { createClient } from '@libsql/client'

/**
 * Stores `count` plain contacts straight into the database at `databaseUrl` (`bulk00000`, …,
 * created after anything a test makes), about 270 bytes each as JSON: enough of them make an
 * export that cannot sit in a socket's buffers.
 *
 * @example
 * await seedBulkContacts(server.databaseUrl, 30_000) // an export of about 8 MB
 */
export const seedBulkContacts = async (databaseUrl: string, count: number): Promise<void> => {
  const db = createClient({ url: databaseUrl })
  try {
    await db.execute({
      sql: `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO contacts (id, email, email_key, name, custom_data, created_at, updated_at)
        SELECT printf('bulk%05d', i), 'bulk' || i || '@example.com', 'bulk' || i || '@example.com',
          'Bulk ' || i, json_object('n', i, 'note', 'some text to fill the row up'),
          '2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'
        FROM n`,
      args: [count - 1],
    })
  } finally {
    db.close()
  }
}
