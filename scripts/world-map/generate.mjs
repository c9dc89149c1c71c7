// Writes web/map/world-110m.txt: one line per country, "<ISO alpha-2> <SVG path data>", in a
// 1000-wide box (the first line is "viewBox <w> <h>"). Natural Earth projection, rounded to
// whole units, relative commands, so the file stays small (it is compiled into the app).
//
// Input: world-atlas's countries-110m.json (TopoJSON, numeric ISO 3166-1 ids), whose ids are
// mapped to alpha-2 with i18n-iso-countries. Run through scripts/gen-world-map.sh.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import countries from 'i18n-iso-countries';

const require = createRequire(import.meta.url);
const out = process.argv[2];
if (!out) throw new Error('usage: node generate.mjs OUTPUT');
const topo = JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8'));
const geo = feature(topo, topo.objects.countries);

// Features world-atlas leaves without an ISO number: named by their (user-assigned) codes.
const BY_NAME = { Kosovo: 'XK', 'N. Cyprus': null, Somaliland: null };

// Rings that cross the antimeridian (Fiji, Chukotka) jump from +180 to -180: make their
// longitudes continuous, then clamp to the map's edge, so no stroke spans the whole map.
function unwrap(ring) {
  let shift = 0;
  const out = [[ring[0][0], ring[0][1]]];
  for (let i = 1; i < ring.length; i++) {
    const d = ring[i][0] - ring[i - 1][0];
    if (d > 180) shift -= 360;
    else if (d < -180) shift += 360;
    out.push([ring[i][0] + shift, ring[i][1]]);
  }
  return out.map(([lon, lat]) => [Math.max(-180, Math.min(180, lon)), lat]);
}

// d3-geo's geoNaturalEarth1Raw.
function project([lon, lat]) {
  const l = (lon * Math.PI) / 180;
  const p = (lat * Math.PI) / 180;
  const p2 = p * p;
  const p4 = p2 * p2;
  const x = l * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)));
  const y = p * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)));
  return [x, -y];
}

const shapes = [];
let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
for (const f of geo.features) {
  let code = f.id && f.id !== '-99' ? countries.numericToAlpha2(f.id) : undefined;
  if (!code && f.properties.name in BY_NAME) code = BY_NAME[f.properties.name];
  if (!code) {
    if (f.properties.name !== 'N. Cyprus' && f.properties.name !== 'Somaliland') {
      console.error(`skipped: ${f.properties.name} (id ${f.id})`);
    }
    continue;
  }
  if (code === 'AQ') continue; // Antarctica: no stories, and half the map's height.
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  const rings = polys.flat().map((ring) => unwrap(ring).map(project));
  for (const ring of rings) for (const [x, y] of ring) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  shapes.push({ code, rings });
}

const WIDTH = 1000;
const scale = WIDTH / (maxX - minX);
const height = Math.ceil((maxY - minY) * scale);
const byCode = new Map();
for (const { code, rings } of shapes) {
  let d = byCode.get(code) || '';
  for (const ring of rings) {
    const pts = ring.map(([x, y]) => [Math.round((x - minX) * scale), Math.round((y - minY) * scale)]);
    let [cx, cy] = pts[0];
    let path = `M${cx} ${cy}`;
    let deltas = [];
    for (const [x, y] of pts.slice(1)) {
      const dx = x - cx, dy = y - cy;
      if (dx === 0 && dy === 0) continue;
      deltas.push(dx, dy);
      cx = x; cy = y;
    }
    if (deltas.length < 4) continue; // a speck smaller than a unit
    path += 'l' + deltas.join(' ').replace(/ -/g, '-') + 'z';
    d += path;
  }
  if (d) byCode.set(code, d);
}

const lines = [`viewBox ${WIDTH} ${height}`];
for (const code of [...byCode.keys()].sort()) lines.push(`${code} ${byCode.get(code)}`);
writeFileSync(out, lines.join('\n') + '\n');
console.error(`wrote ${out}: ${byCode.size} countries, ${lines.join('\n').length} bytes`);
