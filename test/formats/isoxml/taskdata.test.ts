import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { DatasetError } from '../../../src/formats/types.ts';
import { readTaskData, type OpenFile } from '../../../src/formats/isoxml/taskdata.ts';
import { parseTimeLogHeader } from '../../../src/formats/isoxml/timelog-header.ts';

function stream(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}

const noFiles: OpenFile = async () => undefined;

test('malformed TASKDATA.XML fails with a DatasetError naming the line and column', async () => {
  const xml = '<?xml version="1.0"?>\n<ISO11783_TaskData VersionMajor="4">\n  <TSK A="TSK1" B="x">\n  </TSKK>\n</ISO11783_TaskData>\n';
  await assert.rejects(readTaskData(stream(xml), 'TASKDATA.XML', noFiles), (error: Error) => {
    assert.ok(error instanceof DatasetError);
    assert.match(error.message, /^TASKDATA\.XML is not well-formed XML: TASKDATA\.XML:4:\d+: unexpected close tag/);
    return true;
  });
  await assert.rejects(readTaskData(stream('<ISO11783_TaskData><TSK A="1"'), 'TASKDATA.XML', noFiles), DatasetError);
  await assert.rejects(readTaskData(stream('not xml at all'), 'TASKDATA.XML', noFiles), DatasetError);
});

test('the root element must be ISO11783_TaskData', async () => {
  await assert.rejects(readTaskData(stream('<?xml version="1.0"?><Foo/>'), 'TASKDATA.XML', noFiles), /root element is <Foo>, expected <ISO11783_TaskData>/);
});

test('XXE: a DOCTYPE declaring entities is refused and nothing is expanded or fetched', async () => {
  const xxe = `<?xml version="1.0"?>
<!DOCTYPE ISO11783_TaskData [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<ISO11783_TaskData VersionMajor="4"><CTR A="CTR1" B="&xxe;"/><TSK A="TSK1" B="&lol2;"/></ISO11783_TaskData>`;
  await assert.rejects(readTaskData(stream(xxe), 'TASKDATA.XML', noFiles), (error: Error) => {
    assert.ok(error instanceof DatasetError);
    assert.match(error.message, /declares XML entities/);
    assert.doesNotMatch(error.message, /root:/, 'no file content leaks into the message');
    return true;
  });
  // Without a declaration, an entity reference is simply an error: there is nothing to expand it from.
  await assert.rejects(readTaskData(stream('<ISO11783_TaskData><CTR A="CTR1" B="&xxe;"/></ISO11783_TaskData>'), 'TASKDATA.XML', noFiles), /undefined entity/);
  // The same for timelog headers.
  await assert.rejects(parseTimeLogHeader(stream(xxe.replaceAll('ISO11783_TaskData', 'TIM')), 'TLG00001.XML'), /declares XML entities/);
});

test('a DOCTYPE without entities and the predefined entities are fine', async () => {
  const data = await readTaskData(
    stream('<?xml version="1.0"?><!DOCTYPE ISO11783_TaskData><ISO11783_TaskData><CTR A="CTR1" B="M&amp;M &lt;farm&gt;"/></ISO11783_TaskData>'),
    'TASKDATA.XML',
    noFiles,
  );
  assert.equal(data.customers.get('CTR1')?.lastName, 'M&M <farm>');
});

test('external files named by XFR are read as if inline', async () => {
  const main = `<ISO11783_TaskData VersionMajor="4" TaskControllerManufacturer="Test TC">
<XFR A="CTR00001" B="1"/><XFR A="TSK00001" B="1"/><XFR A="DVC00001" B="1"/><XFR A="PDT00009" B="1"/></ISO11783_TaskData>`;
  const files: Record<string, string> = {
    'CTR00001.XML': '<XFC><CTR A="CTR1" B="Farmer" C="Jo"/></XFC>',
    'TSK00001.XML': '<XFC><TSK A="TSK1" B="Harvest" C="CTR1" G="4"><TLG A="TLG00001" C="1"/><DAN A="A00E84000DE03CE9" C="DVC-1"/></TSK></XFC>',
    'DVC00001.XML': '<XFC><DVC A="DVC-1" B="Baler" D="A00E84000DE03CE9"><DET A="DET-1" B="1" C="1" D="Dev" E="0" F="0"><DOR A="2"/></DET><DPD A="2" B="0063" C="1" D="9" E="Moisture" F="3"/><DVP A="3" B="0" C="0.1" D="1" E="%"/></DVC></XFC>',
  };
  const opened: string[] = [];
  const data = await readTaskData(stream(main), 'TASKDATA.XML', async (name) => {
    opened.push(name);
    return files[name] === undefined ? undefined : stream(files[name]!);
  });
  assert.deepEqual(opened, ['CTR00001.XML', 'TSK00001.XML', 'DVC00001.XML', 'PDT00009.XML']);
  assert.equal(data.root.taskControllerManufacturer, 'Test TC');
  assert.equal(data.customers.get('CTR1')?.lastName, 'Farmer');
  assert.deepEqual(data.tasks.map((t) => [t.id, t.timeLogs, t.deviceIds]), [['TSK1', ['TLG00001'], ['DVC-1']]]);
  const element = data.deviceElements.get('DET-1')!;
  assert.equal(element.device.processData.get(2)?.ddi, 0x0063);
  assert.equal(element.device.presentations.get(3)?.scale, 0.1);
  assert.deepEqual(data.warnings, ['TASKDATA.XML refers to the external file PDT00009.XML (XFR), which is not in the folder; its contents are missing']);
});

test('a timelog header cut off before </TIM> keeps the DLVs it lists; other damage is an error', async () => {
  const header = await parseTimeLogHeader(stream('<TIM A="" D="4"><PTN A="" B=""/><DLV A="0054" B="" C="DET-1"/><DLV A="0063" B="" C="DET-1"/>\n'), 'TLG00003.XML');
  assert.equal(header.dataLogValues.length, 2);
  assert.match(header.cutOff ?? '', /unclosed tag: TIM/);
  await assert.rejects(parseTimeLogHeader(stream('<TIM A=""><DLV A="0054" C="DET-1"></TIM>'), 'TLG00004.XML'), DatasetError);
  await assert.rejects(parseTimeLogHeader(stream('<TASK/>'), 'TLG00005.XML'), /expected the timelog header <TIM>/);
});
