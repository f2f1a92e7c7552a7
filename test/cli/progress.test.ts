import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { barLine, fractionDone, logView, megabytes, pointsText, statusLine } from '../../src/cli/progress.ts';
import type { ConversionProgress, ReportOperation } from '../../src/convert-input.ts';
import type { OperationResult } from '../../src/pipeline.ts';

const MB = 1e6;

function state(changes: Partial<ConversionProgress> = {}): ConversionProgress {
  return { bytesDone: 420 * MB, bytesTotal: 1024 * MB, operationsDone: 0, operationsTotal: 3, current: { index: 0, dir: 'TASKDATA/TSK1-harvested', stage: 'reading', points: 1_234_567 }, ...changes };
}

const operation: ReportOperation = { id: 'x', dir: 'TASKDATA/TSK1-harvested', fileFormat: 'ISO11783', provider: 'Other', operationType: 'harvested', status: 'processed', statusDetails: 'ok', warnings: [] };
const result = { pointCount: 4483 } as OperationResult;

describe('progress renderer', () => {
  it('measures by bytes, and by operations when the input has no bytes to read', () => {
    assert.equal(fractionDone(state()), 420 / 1024);
    assert.equal(fractionDone(state({ bytesDone: 0, bytesTotal: 0, operationsDone: 1 })), 1 / 3);
    assert.equal(fractionDone(state({ bytesDone: 0, bytesTotal: 0, operationsDone: 0, operationsTotal: 0 })), 1);
    // A declared size that lies low never shows more than all of it.
    assert.equal(fractionDone(state({ bytesDone: 2000 * MB })), 1);
  });

  it('writes sizes and counts for people', () => {
    assert.equal(megabytes(420 * MB, 1024 * MB), '420/1024 MB');
    assert.equal(megabytes(0.6 * MB, 8.64 * MB), '0.6/8.6 MB');
    assert.equal(pointsText(950), '950');
    assert.equal(pointsText(12_345), '12.3 k');
    assert.equal(pointsText(1_234_567), '1.2 M');
  });

  it('draws the terminal bar with the percentage, megabytes, operation and stage', () => {
    assert.equal(barLine(state(), 10), 'converting [====------] 41% 420/1024 MB  op 1/3 TASKDATA/TSK1-harvested reading');
    assert.equal(barLine(state({ bytesDone: 1024 * MB, operationsDone: 3, current: undefined }), 4), 'converting [====] 100% 1024/1024 MB  3/3 operations');
  });

  it('logs a line per operation and one every 10 s of a long operation, none in between', () => {
    let clock = 0;
    const lines: string[] = [];
    const view = logView((line) => lines.push(line), () => clock);
    view.start(3, 1024 * MB);
    clock = 9_999;
    view.update(state({ bytesDone: 100 * MB }));
    assert.deepEqual(lines, []);
    clock = 10_000;
    view.update(state({ bytesDone: 379 * MB, current: { index: 0, dir: 'TASKDATA/TSK1-harvested', stage: 'writing', points: 1_200_000 } }));
    view.update(state({ bytesDone: 380 * MB }));
    clock = 15_000;
    view.operationDone(operation, result);
    clock = 24_999;
    view.update(state({ current: { index: 1, dir: 'TASKDATA/TSK2-applied', stage: 'filters', points: 10 } }));
    clock = 25_000;
    view.update(state({ current: { index: 1, dir: 'TASKDATA/TSK2-applied', stage: 'filters', points: 10 } }));
    assert.deepEqual(lines, [
      'TASKDATA/TSK1-harvested: 37% of input, 1.2 M points, writing',
      'TASKDATA/TSK1-harvested: processed, 4483 points',
      'TASKDATA/TSK2-applied: 41% of input, 10 points, filters',
    ]);
  });

  it('says nothing between operations', () => {
    assert.equal(statusLine(state({ current: undefined })), undefined);
  });
});
