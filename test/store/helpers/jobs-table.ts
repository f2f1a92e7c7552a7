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

/**
 * Makes every insert into `jobs` fail, from another connection to the file, until the returned
 * function is called: a job write that fails inside the store's transaction, as a crash between
 * the record and its job would leave things.
 */
export function refuseJobInserts(dbPath: string): () => void {
  const change = (sql: string) => {
    const db = new Database(dbPath);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };
  change("create trigger refuse_jobs before insert on jobs begin select raise(abort, 'jobs refused by the test'); end");
  return () => change('drop trigger refuse_jobs');
}
