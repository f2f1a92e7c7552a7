import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ParquetFileWriter } from '../../../src/convert/table/parquet-writer.ts';
import { FileSink } from '../../../src/convert/table/sinks.ts';

/**
 * Row groups are compressed two at a time on zlib's thread; the one handed over first must still
 * come first in the file, whichever finishes compressing first, so that one input always gives
 * the same bytes. A slow group (a million pseudo-random doubles) is followed by a 3-row one that
 * compresses at once; DuckDB's `parquet_metadata` (a reader of its own) says where each starts.
 */
test('row groups are placed in the file in the order they were handed over', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'furrow-order-'));
  try {
    const path = join(dir, 'order.parquet');
    const writer = new ParquetFileWriter(await FileSink.create(path), [{ name: 'v', kind: 'double' }], { compression: 'gzip', createdBy: 'test' });
    const slow = new Float64Array(1_000_000);
    let x = 1;
    for (let i = 0; i < slow.length; i++) slow[i] = (x = (x * 16807) % 2147483647) / 7;
    await writer.writeRowGroup(slow.length, [slow]);
    await writer.writeRowGroup(3, [Float64Array.from([1, 2, 3])]);
    await writer.close([]);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const rows = (await (await connection.run(`SELECT row_group_id, row_group_num_rows, data_page_offset FROM parquet_metadata('${path}') ORDER BY row_group_id`)).getRowObjects()).map((r) => ({ group: Number(r.row_group_id), rows: Number(r.row_group_num_rows), offset: Number(r.data_page_offset) }));
    connection.closeSync();
    assert.deepEqual(rows.map((r) => [r.group, r.rows]), [[0, 1_000_000], [1, 3]]);
    // The magic "PAR1" is 4 bytes; the first group starts right after it.
    assert.equal(rows[0]!.offset, 4);
    assert.ok(rows[1]!.offset > rows[0]!.offset, `group 1 at ${rows[1]!.offset}, group 0 at ${rows[0]!.offset}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
