import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonJson } from '../../src/alerts/python-json.ts';

test('writes JSON as Python json.dumps does by default', () => {
  assert.equal(pythonJson({ a: 1, b: 'x' }), '{"a": 1, "b": "x"}');
  assert.equal(pythonJson({ source: 'REST', list: [1, 2.5, null, true], nested: { k: [] }, empty: {} }), '{"source": "REST", "list": [1, 2.5, null, true], "nested": {"k": []}, "empty": {}}');
  assert.equal(pythonJson({ skipped: undefined, kept: 0 }), '{"kept": 0}');
});

test('escapes everything outside printable ASCII as json.dumps(ensure_ascii=True)', () => {
  // json.dumps({"m": "Müller \u2013 🌽\n\"/\x7f"}) in Python 3
  assert.equal(pythonJson({ m: 'Müller – 🌽\n"/\x7f' }), '{"m": "M\\u00fcller \\u2013 \\ud83c\\udf3d\\n\\"/\\u007f"}');
  assert.equal(pythonJson('\u0001\t'), '"\\u0001\\t"');
});
