import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryProvider, providerOfBrand } from '../../src/jobs/file-provider.ts';
import { PROVIDERS } from '../../src/formats/providers.ts';

test('an upload that names a provider keeps it; the brand is kept beside it', () => {
  assert.deepEqual(entryProvider('JohnDeere', 'AGCO'), { provider: 'JohnDeere', machineBrand: 'AGCO' });
  assert.deepEqual(entryProvider('CNHI', 'Other'), { provider: 'CNHI', machineBrand: null });
});

test('for Other: the format’s provider, else the brand’s, else Other', () => {
  assert.deepEqual(entryProvider('Other', 'JohnDeere'), { provider: 'JohnDeere', machineBrand: null });
  assert.deepEqual(entryProvider('Other', 'Farmobile'), { provider: 'Farmobile', machineBrand: null });
  assert.deepEqual(entryProvider('Other', 'CNH Industrial'), { provider: 'CNHI', machineBrand: 'CNH Industrial' });
  assert.deepEqual(entryProvider('Other', 'Kverneland Group Mechatronics'), { provider: 'Other', machineBrand: 'Kverneland Group Mechatronics' });
  assert.deepEqual(entryProvider('Other', 'AGCO'), { provider: 'Other', machineBrand: 'AGCO' });
});

test('brands are matched whatever their spelling', () => {
  assert.equal(providerOfBrand('John Deere'), 'JohnDeere');
  assert.equal(providerOfBrand('Deere & Company'), 'JohnDeere');
  assert.equal(providerOfBrand('TRIMBLE Navigation'), 'Trimble');
  assert.equal(providerOfBrand('Ag Leader Technology'), 'AgLeader');
  assert.equal(providerOfBrand('Müller-Elektronik'), undefined);
  for (const provider of ['Other', 'AGCO', 'CNH', 'Deere', 'Climate Corp']) assert.ok((PROVIDERS as readonly string[]).includes(entryProvider('Other', provider).provider), provider);
});
