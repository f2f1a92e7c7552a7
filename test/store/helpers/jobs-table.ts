import Database from 'better-sqlite3';

export interface JobRow {
  id: string;
  kind: string;
  state: string;
  attempts: number;
  run_after: string;
  lease_until: string | null;
  last_error: string | null;
  payload: string;
}

/** The jobs table read straight from the file: the store has no job getter, the queue only claims. */
export function jobRows(dbPath: string): JobRow[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('select * from jobs order by created_time, id').all() as JobRow[];
  } finally {
    db.close();
  }
}

export function jobRow(dbPath: string, id: string): JobRow | undefined {
  return jobRows(dbPath).find((j) => j.id === id);
}
