import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { convertInput } from '../../../src/convert-input.ts';
import { openArchive } from '../../../src/formats/archive.ts';
import { jdGreenStarDriver } from '../../../src/formats/jd-greenstar/driver.ts';
import { withTempDir } from '../../helpers/temp.ts';
import { writeZip } from '../../helpers/zip.ts';

/*
 * Hand-written cards in the shape of the real `.fdl` logs (same element names and namespaces as
 * the JohnDeere/SampleData cards, cut down to what the driver reads), for the cases no sample has.
 */

function fdl(operationClass: string, dataFile: string, extra = ''): string {
  return `\uFEFF<?xml version="1.0" encoding="utf-8"?>
<RCDLogFile xmlns="urn:schemas-johndeere-com:RCD:LogFile" xmlns:rcdsetup="urn:schemas-johndeere-com:RCD:Setup">
  <RCDLogHeader><FieldRef eridRef="{f1}" /></RCDLogHeader>
  <RCDLogBlock>
    <ConfigBlock>
      <Setup>
        <rcdsetup:Participant><rcdsetup:Client erid="{c1}" name="Grower A" /></rcdsetup:Participant>
        <rcdsetup:Farm erid="{fa1}" name="Home" clientRef="{c1}" />
        <rcdsetup:Field erid="{f1}" name="North 40" farmRef="{fa1}" />
        <rcdsetup:Field erid="{f2}" name="South" farmRef="{fa1}" />
        <rcdsetup:Products>
          <rcdsetup:Crop id="174" name="Soybeans"><rcdsetup:CropVariety erid="{v1}" name="AG2433" /></rcdsetup:Crop>
        </rcdsetup:Products>
      </Setup>
      <EquipmentConfiguration>
        <Meter id="1"><MeasuredElement><VariableNumberColumn columnID="MeasElement2" sourceUOM="seeds1ac-1" variableRepresentation="vrSeedRateSeedsMeasured" /></MeasuredElement></Meter>
        <NavigationReference>
          <vrLatitude columnID="Lat" sourceUOM="arcdeg" variableRepresentation="vrLatitude" />
          <vrDeltaDistance columnID="Dist" sourceUOM="ft" variableRepresentation="vrDistanceTraveled" />
        </NavigationReference>
      </EquipmentConfiguration>
      <LogTaskRegion timeStamp="2021-05-02T13:00:00.000Z">
        <Operation id="1"><dtOperationClass value="${operationClass}" /><ProductInfo eridRef="{v1}" /></Operation>
      </LogTaskRegion>
      ${extra}
    </ConfigBlock>
    <LogDataBlock logDataProcessor="EvenByteDelta"><EvenByteDelta filePathName="${dataFile}" filePosition="0" /></LogDataBlock>
  </RCDLogBlock>
</RCDLogFile>`;
}

test('a GS2 log whose .fdd is missing: listed with its metadata, the reason says the file is missing', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'card.zip');
    await writeZip(zip, {
      'RCD/aaaa.fdl': fdl('dtiSeeding', 'aaaa.fdd'),
      'RCD/bbbb.fdl': fdl('dtiSeeding', 'bbbb.fdd'),
      'RCD/bbbb.fdd': Buffer.from([1, 0, 2, 0]),
    });
    const report = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, [jdGreenStarDriver]);
    assert.equal(report.operations.length, 2);
    const [a, b] = report.operations;
    assert.equal(
      a!.statusDetails,
      "rawGeojson: John Deere GS2 2600 log 'aaaa.fdl' (seeding, soybeans, field North 40): its point data file 'aaaa.fdd' is missing from the upload (and is John Deere's closed binary format, which Furrow cannot convert yet); Furrow read its metadata only",
    );
    assert.match(b!.statusDetails, /'bbbb\.fdl' \(seeding, soybeans, field North 40\): its point data \(bbbb\.fdd\) is John Deere's closed binary format/);

    const archive = await openArchive(zip);
    try {
      const [dataset] = await jdGreenStarDriver.detect(archive.entries);
      const [source] = await jdGreenStarDriver.read(dataset!);
      const m = source!.meta;
      // The header's FieldRef picks "North 40" among the two fields of the setup snapshot.
      assert.deepEqual([m.grower, m.farm, m.field, m.crop, m.varieties], ['Grower A', 'Home', 'North 40', 'soybeans', ['AG2433']]);
      assert.deepEqual(
        m.columns.map((c) => [c.key, c.unit, c.standard]),
        [
          ['MeasElement2', 'seeds/ac', 'seedRate'],
          ['Dist', 'ft', 'distance'],
        ],
      );
    } finally {
      await archive.close();
    }
  });
});

test('logs of an unknown operation class are named, not listed; a card of only those fails with the reason', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'card.zip');
    await writeZip(zip, {
      'RCD/aaaa.fdl': fdl('dtiMowing', 'aaaa.fdd'),
      'RCD/aaaa.fdd': Buffer.from([0]),
      'RCD/cccc.fdl': '\uFEFF<?xml version="1.0"?><RCDLogFile><RCDLogBlock></RCDLogFile>',
    });
    const report = await convertInput(zip, join(dir, 'out'), { units: 'default' }, {}, [jdGreenStarDriver]);
    assert.equal(report.operations.length, 0);
    assert.equal(report.failures.length, 1);
    assert.match(report.failures[0]!.reason, /^RCD: John Deere GS2 2600 card with 2 log\(s\) but no operation to convert: aaaa\.fdl: operation class dtiMowing, which is not planting, application, harvest or tillage; cccc\.fdl: cccc\.fdl is not well-formed XML/);
  });
});

test('.fdl files that are not JD logs, and setup.fds that is not a SetupFile, are not claimed', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'other.zip');
    await writeZip(zip, {
      'RCD/notes.fdl': '<?xml version="1.0"?><FormDefinitionList/>',
      'RCD/binary.fdl': Buffer.from([0, 1, 2, 3, 4]),
      'EIC/setup.fds': '<?xml version="1.0"?><Settings/>',
    });
    const archive = await openArchive(zip);
    try {
      assert.deepEqual(await jdGreenStarDriver.detect(archive.entries), []);
    } finally {
      await archive.close();
    }
  });
});

test('a GS3 EIC folder zipped on its own: a GS3 card, .fdd found by its Documentation path, other files left alone', async () => {
  await withTempDir(async (dir) => {
    const zip = join(dir, 'eic.zip');
    await writeZip(zip, {
      'Documentation/A1/dddd.fdl': fdl('dtiHarvest', 'Documentation\\A1\\dddd.fdd'),
      'Documentation/A1/dddd.fdd': Buffer.from([0]),
      'global.ver': Buffer.alloc(1024, 0xff),
      'TASKDATA/TASKDATA.XML': '<ISO11783_TaskData/>',
    });
    const archive = await openArchive(zip);
    try {
      const datasets = await jdGreenStarDriver.detect(archive.entries);
      assert.deepEqual(
        datasets.map((d) => [d.fileFormat, d.root, [...d.entries.keys()].sort()]),
        [['GS3_2630', 'GS3_2630', ['DOCUMENTATION/A1/DDDD.FDD', 'DOCUMENTATION/A1/DDDD.FDL', 'GLOBAL.VER']]],
      );
      const [source] = await jdGreenStarDriver.read(datasets[0]!);
      assert.equal(source!.meta.operationType, 'harvested');
      // The setup snapshot lists one crop (Soybeans) and the harvest references its variety.
      assert.equal(source!.meta.crop, 'soybeans');
      await assert.rejects(
        (async () => {
          for await (const _ of source!.points()) assert.fail('no points');
        })(),
        { message: "John Deere GS3 2630 log 'dddd.fdl' (harvest, soybeans, field North 40): its point data (dddd.fdd) is John Deere's closed binary format; Furrow reads its metadata but cannot convert its points yet" },
      );
    } finally {
      await archive.close();
    }
  });
});
