import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openArchive } from '../../../src/formats/archive.ts';
import { decodeDataFrame, type DecodedChunk } from '../../../src/formats/jd-gen4/chunk.ts';
import { jdGen4Driver } from '../../../src/formats/jd-gen4/driver.ts';
import { readFrames } from '../../../src/formats/jd-gen4/frames.ts';
import { FRAME_KIND } from '../../../src/formats/jd-gen4/header.ts';
import { readSessionFile, type SessionFile } from '../../../src/formats/jd-gen4/session.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { APPLICATION, HARVEST, HARVEST_EXPORT, quantile, readExport } from './oracle.ts';

/*
 * Chunk-level decoding facts of FORMAT.md, checked on the sample bytes. Each chunk repeats, as the
 * base of every channel block, the last value the previous chunk logged: that redundancy is the
 * independent check of the time base used for the samples inside a chunk.
 */

async function runChunks(zip: string, folderSuffix: string): Promise<{ session: SessionFile; chunks: DecodedChunk[] }[]> {
  const archive = await openArchive(zip);
  try {
    const dataset = (await jdGen4Driver.detect(archive.entries)).find((d) => d.root.endsWith(folderSuffix));
    assert.ok(dataset, `run folder ${folderSuffix}`);
    const out = [];
    for (const entry of dataset.entries.values()) {
      const session = await readSessionFile(entry);
      const chunks: DecodedChunk[] = [];
      for await (const frame of readFrames(await entry.open())) {
        const payload = frame.payload!;
        if (payload[0] === 0x08 && payload[1] === FRAME_KIND.data) chunks.push(decodeDataFrame(payload, session.header.startTime!));
      }
      out.push({ session, chunks });
    }
    return out.sort((a, b) => a.session.header.startTime! - b.session.header.startTime!);
  } finally {
    await archive.close();
  }
}

test('numeric samples are timed from the chunk start: each chunk\'s last sample is the next chunk\'s base', async () => {
  for (const [zip, folder] of [
    [HARVEST, 'Jen-3'],
    [APPLICATION, 'Tank Mix Rate'],
  ] as const) {
    let continuous = 0;
    let broken = 0;
    for (const { chunks } of await runChunks(zip, folder)) {
      for (let k = 0; k + 1 < chunks.length; k++) {
        for (const [id, series] of chunks[k]!.series) {
          const next = chunks[k + 1]!.series.get(id);
          if (!next || series.time.length < 2) continue;
          if (series.time.at(-1) === next.time[0] && series.value.at(-1) === next.value[0]) continue;
          broken++;
        }
        continuous += [...chunks[k]!.series.values()].filter((s) => s.time.length >= 2).length;
      }
    }
    // Measured: 446 (harvest) and 241 (application) multi-sample series, none broken; timing the
    // deltas from the block's base time instead breaks all but 1 of them.
    assert.ok(continuous > 200, `${folder}: ${continuous} series`);
    assert.equal(broken, 0, `${folder}: ${broken} series do not continue into the next chunk`);
  }
});

test('section state changes inside a chunk: the Tank Mix Rate boom is on 16:21:30.656–16:34:31.047 UTC', async () => {
  const changes: { time: number; on: number }[] = [];
  for (const { session, chunks } of await runChunks(APPLICATION, 'Tank Mix Rate')) {
    const sectionChannel = [...session.header.stateChannels].find(([, elements]) => elements === 11)?.[0];
    assert.ok(sectionChannel !== undefined, '11-section state channel');
    for (const chunk of chunks) for (const state of chunk.states.get(sectionChannel) ?? []) changes.push({ time: state.time, on: state.states.filter((s) => s === 1).length });
  }
  changes.sort((a, b) => a.time - b.time);
  const edges = changes.filter((c, i) => i === 0 || c.on !== changes[i - 1]!.on).map((c) => `${new Date(c.time).toISOString().slice(11, 23)} ${c.on}`);
  // Hand check from the bytes (FORMAT.md): chunk 2 of the 10:20 session starts at session start + 28,112 ms
  // and its state block lists one change after zigzag(21,560) = 10,780 ms: 16:20:51.764 + 38.892 s = 16:21:30.656,
  // which is also the `.12` time of the next chunk's base state. The export's first point is 16:21:32.193,
  // its last 16:34:31.204 (the 10-of-11 moment is the export's two 110 ft SWATHWIDTH points).
  assert.deepEqual(edges.slice(1), ['16:21:30.656 11', '16:31:14.485 10', '16:31:15.764 11', '16:34:31.047 0']);
});

test('harvest mass flow (DDI 87, mg/s) over the distance and 30 ft header gives the export\'s WetMass', async () => {
  await withTempDir(async (dir) => {
    const exportDir = join(dir, 'export');
    await mkdir(exportDir);
    const oracle = await readExport(HARVEST_EXPORT, exportDir);
    const flow: { time: number; value: number }[] = [];
    for (const { session, chunks } of await runChunks(HARVEST, 'Jen-3')) {
      const id = session.header.channels.find((c) => c.ddi === 87)?.id;
      assert.ok(id !== undefined);
      for (const chunk of chunks) {
        const s = chunk.series.get(id);
        if (s) s.time.forEach((t, i) => flow.push({ time: t, value: s.value[i]! }));
      }
    }
    flow.sort((a, b) => a.time - b.time);
    let j = 0;
    const ratios: number[] = [];
    for (const point of oracle) {
      while (j + 1 < flow.length && flow[j + 1]!.time <= point.time) j++;
      const distance = Number(point.props.DISTANCE) * 0.3048;
      const wetMass = Number(point.props.WetMass);
      if (!(distance > 0.5) || !(wetMass > 0)) continue;
      // kg/s × 1 s / (m × 9.144 m) → kg/m² × 4046.856 m²/ac / 0.45359237 kg/lb → lb/ac.
      const perArea = ((flow[j]!.value / 1e6) * 4046.8564224) / 0.45359237 / (distance * 9.144);
      ratios.push(perArea / wetMass);
    }
    // Measured: median 0.9989 (the export's DISTANCE is its own, so this checks the channel, not Furrow's points).
    assert.ok(ratios.length > 2000);
    assert.ok(Math.abs(quantile(ratios, 0.5) - 1) < 0.005, `median ${quantile(ratios, 0.5)}`);
  });
});
