import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openArchive } from '../../../src/formats/archive.ts';
import { agLeaderNativeDriver } from '../../../src/formats/agleader-native/driver.ts';
import { cnhiDriver } from '../../../src/formats/cnhi/driver.ts';
import { jdGreenStarDriver } from '../../../src/formats/jd-greenstar/driver.ts';
import { precisionPlanting2020Driver } from '../../../src/formats/precision-planting/driver.ts';
import { trimbleAgDataDriver } from '../../../src/formats/trimble-agdata/driver.ts';
import { sample } from '../../helpers/samples.ts';

/*
 * The closed-format drivers over every sample of another format: none may claim a file, except
 * the GS3 2630 setup tree that JD ships inside its Gen4 tillage card (a real GS3 setup card,
 * reported as "no operations"; the `.jdl` logs beside it stay free for the Gen4 driver).
 */
const DRIVERS = [jdGreenStarDriver, cnhiDriver, agLeaderNativeDriver, precisionPlanting2020Driver, trimbleAgDataDriver];

const OTHER_FORMATS = [
  ['isoxml', 'agco-microtrak', 'agco-microtrak.zip'],
  ['isoxml', 'cci-broken-timelogs'],
  ['isoxml', 'cci-forage-harvester'],
  ['isoxml', 'cnh-planter-aircart', 'another-single-acp.zip'],
  ['isoxml', 'krone-baler-corrupt-stream', 'corrupt-stream.zip'],
  ['isoxml', 'kverneland-spreader', 'single-dpd.zip'],
  ['isoxml', 'multi-subfolder-mac', 'multi-subfolder-and-mac.zip'],
  ['jd-gen4', 'application-2017', 'gen4-4600-application-data.zip'],
  ['jd-gen4', 'harvest-labsim-jen3', 'gen4-4600-harvest-data.zip'],
  ['jd-gen4', 'planting-22sep-run2', 'gen4-4600-planting-data.zip'],
  ['jd-gen4', 'tillage-2016', 'gen4-4600-tillage-data.zip'],
  ['climate-dat', 'climate-adapt-samplefiles', 'SampleFiles.zip'],
  ['jd-shapefile', 'myjd-harvest-soybeans', 'export-from-myjohndeere-harvest.zip'],
  ['jd-shapefile', 'gen4-application-point-1hz', 'gen4-4600-application-point-onehertz.zip'],
  ['sms-shapefile', 'strips-2013-orbweaver-south'],
  ['agleader-advanced-txt', 'strips-2012-interim'],
];

test('closed-format drivers claim nothing in samples of other formats (but the GS3 setup tree in the Gen4 tillage card)', async () => {
  const claims: string[] = [];
  for (const parts of OTHER_FORMATS) {
    const archive = await openArchive(sample(...parts));
    try {
      for (const driver of DRIVERS) {
        for (const dataset of await driver.detect(archive.entries)) claims.push(`${parts[1]}: ${driver.name} ${dataset.root}`);
      }
    } finally {
      await archive.close();
    }
  }
  assert.deepEqual(claims, ['tillage-2016: jd-greenstar GS3_2630/JD4600/RCD']);
});

test('each closed-format sample is claimed by its own driver only', async () => {
  const own: [string[], string][] = [
    [['jd-gs2-2600', 'field1-documentation', 'gs2-2600-documentation-field1.zip'], 'jd-greenstar'],
    [['jd-gs3-2630', 'field1-documentation', 'gs3-2630-documentation-field1.zip'], 'jd-greenstar'],
    [['jd-gs3-2630', 'planting-4-rates', 'gs3-2630-planting-with-4-rates.zip'], 'jd-greenstar'],
    [['jd-gs3-2630', 'setup-boundary-guidance', 'gs3-2630-setup-with-boundary-and-guidance-lines.zip'], 'jd-greenstar'],
    [['trimble-agdata', 'tmx2050-fields-agf'], 'trimble-agdata'],
  ];
  for (const [parts, owner] of own) {
    const archive = await openArchive(sample(...parts));
    try {
      for (const driver of DRIVERS) {
        const datasets = await driver.detect(archive.entries);
        if (driver.name === owner) assert.ok(datasets.length > 0, `${driver.name} claims ${parts[1]}`);
        else assert.deepEqual(datasets, [], `${driver.name} claims nothing in ${parts[1]}`);
      }
    } finally {
      await archive.close();
    }
  }
});
