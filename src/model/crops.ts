import { converter } from './units.ts';

/** A row of Leaf's crop table (leaf-api.md §9). */
export interface Crop {
  /** Lower-case name, as Leaf writes `crop` in its outputs. */
  name: string;
  /** Test weight in lb per US bushel: converts harvested mass to volume. */
  density: number;
  /** Moisture (%) that dry values are reported at; absent means dry values repeat wet ones. */
  standardMoisture?: number;
}

/**
 * Leaf's crop table verbatim (`crop;density;standardMoisture`, empty = none), 218 lines, so that
 * it can be diffed against the source. Odd values (arugula 1 lb/bu, coffee moisture 1) are Leaf's.
 */
const TABLE_TEXT = `
alfalfa;100;13
annual ryegrass;56;14
apples;48;
arugula;1;
barley;47.99;15
basil;1;
bean, black;60;
bean, green;78.81;
bean, navy;67.2;15
bean, pinto;60.99;
beans, edible;60;15
bell pepper;1;
bent grass;14;
bentgrass;1;
bermuda grass;1;
black eyed peas;60.01;12
blue grass;14;
blueberry;1;
bok choy;1;
boot stage wcs;60.01;
borage;60;
buckwheat;44;14
camassia;1;
canna;1;
canola;50;10
canola polish;52.01;
cassava;1;
catnip;1;
chasmanthe;1;
cherries;1;13
chick peas;60;14
chickpeas;60.98;
chives;4.5;
clover;60;
coffee;19.769;1
colza;71.09;
coriander;28;
corn;56;15
corn, cob mix;77.69;13
corn, seed;1;
corn, silage;49.80;
corn, seed;49.57;
corn, white;56.57;15
cotton;120.42;
cranberry;1;
crimson clover;60;
downy bromegrass;1;12
durum wheat;60;13.5
edible bean lrg;30;
edible bean med;30;
edible bean sml;30;
edible beans;60;15
einkorn;18.14;13
els;32;
emmer;18.14;13
energy cane;7.38;
european barley 6;47.99;
european corn;56;
european oats;31.99;
european peas;60.01;
european popcorn;60.01;
european rye;56;
european spring barley;47.99;
european triticale;57.98;
european wheat feed;60.01;
european wheat wtr;60.01;14
european winter barley;47.99;
fababean;62.15;
faber beans;60;
fall barley;48;
fan spring barley;48;15
fenugreek;1;
festulolium;1;
field beans;60;
field peas;60;12
flax;60;10
forage mix;1;
fritillaria;1;
garlic;1;
girasol (aceite);71.85;
grass;14;
grass alfalfa;1;13.5
grass clover;1;
grass dry;110.40;
grass half dry;100;
grass seeds;22;
grass wet;100;
green onions;1;
hard red spring wheat;60.01;13.5
hard red winter wheat;60.01;13.5
hard white spring wheat;60.01;13.5
hard white winter wheat;60.01;13.5
horseradish;1;
iceberg salad;18.65;
lentil chilean;60.01;
lentil crimson;60.01;
lentil eston;60.01;
lentil laird;60.01;
lentils;60;13
lucerne;54.38;
lupins;60;
macadamia;1;
maize;56;15.0
maize ccm;56;
maize long;100;
maize short;100;
meadowfoam;60;
millet;50;13
millet, pearl;48;
mint;1;
miscanthus;100;
montbretia;1;
mung bean;60.01;
mustard;55;9.5
mustard gisilba;60.01;
mustard, seed;59.00;
navy beans;61.99;15
oats;32;12
oilseed rape winter;52.01;
orchard grass;14;12
orchardgrass;1;
ornamental allium;1;
other grains;40;
parsnip;22.7;
pea trapper;60.01;
peanuts;45;
peas;60;
peas, green;60;
pecan;1;
per ryegrass;56;13
phacelia;1;
pineapple;1;13
popcorn;100;14
potatoes;60;
potatoes for chips;60.01;
potatoes for retail;60.01;
potatoes for starch;60.01;
pumpkins;43.58;
quinoa;1;
radish;52.45;
rape seed;60;
rapeseed;52.01;12.5
rapeseed e ind;52.01;
rapeseed e oil;52.01;
raspberry;1;
red clover;1;
red grass fescue;14;12
reed canary grass;1;12
rice;45;13
rice long;45;
rice medium;45;8
rutabaga;1;
rye;56;15
safflower;38;8
sesame;46;15
silage corn;60.05;10
silvergrass;1;
smooth bromegrass;1;12
soft red spring wheat;60.01;13.5
soft red winter wheat;60.01;13.5
soft white spring wheat;60.01;13.5
soft white winter wheat;60.01;13.5
sorghum;56;14
soybeans;60;13
spelt;18.14;13
spider lilies;1;
spring barley;48;15
spring rye;56;
spring wheat;60;13.5
sudangrass;39.99;
sudex;1;
sugar beet;74.66;
sugar cane;80.87;10
sunflower;30;13.5
sunflower e ind;24.98;
sunflower e oil;24.98;
sunflower oil;28.97;
sunflower stripe;20;
sunflower, seed;51.04;
sunflowers;100;10
sweet corn;70;15
sweet potatoes;50;
sweet sorghum;100;
tall fescue;1;12
timothy grass;1;12
triticale;50;13
turnip;53.52;
turnips;55;13.5
upland cotton;32;
walnut;1;
watermelon;1;
wheat;60;13.5
wheat (hrd rd spr);60;13.5
wheat (hrd rd wtr);60;13.5
wheat, canada prairie spring red;60.01;
wheat, canada prairie spring white;60.01;1
wheat, hard red spring;60.01;13.5
wheat, hard red winter;60.01;13.5
wheat, hard white spring;60.01;13.5
wheat, hard white winter;60.01;13.5
wheat, soft red spring;60.01;13.5
wheat, soft red winter;60.01;13.5
wheat, soft white spring;60.01;13.5
wheat, soft white winter;60.01;13.5
white beans;55.16;
white clover;60;
white popcorn;60.01;12.5
white wheat;60.01;
whole crop dry;100;
whole crop wet;100;
wild rice;45;
winter barley;48;
winter rye;56;15
winter wheat;60;13.5
wood;100;
yellow popcorn;60.01;
zantedeschia;1;
zucchini;1;
`;

function parseRow(line: string): Crop {
  const [name, density, moisture] = line.split(';');
  return { name: name!, density: Number(density), ...(moisture ? { standardMoisture: Number(moisture) } : {}) };
}

/** Every row of the table in its order, duplicates included. */
export const CROP_TABLE: readonly Crop[] = Object.freeze(TABLE_TEXT.trim().split('\n').map((line) => Object.freeze(parseRow(line))));

// Later rows win: Leaf lists `corn, seed` twice (1 and 49.57 lb/bu); 49.57 is kept because 1 is
// the table's "unknown" filler value (as for arugula or basil) and 49.57 is a real test weight.
const BY_NAME = new Map<string, Crop>(CROP_TABLE.map((crop) => [crop.name, crop]));

/**
 * Names that ISOXML task files and European terminals use for crops in the table, mapped only
 * where the meaning is the same crop. Kept short on purpose: a wrong match would silently change
 * densities and dry values, whereas a miss is reported.
 */
const SYNONYMS: ReadonlyMap<string, string> = new Map([
  ['mais', 'maize'], // German
  ['maïs', 'maize'], // French, Dutch
  ['weizen', 'wheat'],
  ['winterweizen', 'winter wheat'],
  ['gerste', 'barley'],
  ['wintergerste', 'winter barley'],
  ['sommergerste', 'spring barley'],
  ['roggen', 'rye'],
  ['hafer', 'oats'],
  ['raps', 'rapeseed'],
  ['winterraps', 'oilseed rape winter'],
  ['oilseed rape', 'rapeseed'],
  ['soybean', 'soybeans'],
  ['soja', 'soybeans'], // German, Spanish, Portuguese
  ['sonnenblume', 'sunflower'],
  ['zuckerrübe', 'sugar beet'],
]);

/** The table row for a crop name (case-insensitive, trimmed, or a synonym above). */
export function lookupCrop(name: string): Crop | undefined {
  const key = name.trim().toLowerCase();
  return BY_NAME.get(key) ?? BY_NAME.get(SYNONYMS.get(key) ?? '');
}

/**
 * Dry value at the crop's standard moisture: wet × (100 − moisture) / (100 − standard), the usual
 * shrink formula (Leaf only says standard moisture is used; leaf-api.md §3 checks it on Leaf's
 * sample). Without a standard moisture or a measured moisture, dry repeats wet, as Leaf does.
 */
export function dryFromWet(wet: number, moisturePct: number, standardMoisturePct: number | undefined): number {
  if (standardMoisturePct === undefined || Number.isNaN(moisturePct)) return wet;
  return (wet * (100 - moisturePct)) / (100 - standardMoisturePct);
}

/** The inverse of `dryFromWet`: a dry figure at the standard moisture taken back to the moisture measured. */
export function wetFromDry(dry: number, moisturePct: number, standardMoisturePct: number | undefined): number {
  if (standardMoisturePct === undefined || Number.isNaN(moisturePct)) return dry;
  return (dry * (100 - standardMoisturePct)) / (100 - moisturePct);
}

const kgToLb = converter('kg', 'lb');
const buToM3 = converter('bu', 'm3');

/** Volume in m³ of a harvested mass, through the crop's test weight in lb per US bushel. */
export function volumeFromMass(massKg: number, densityLbPerBu: number): number {
  return buToM3(kgToLb(massKg) / densityLbPerBu);
}
