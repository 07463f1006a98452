// Data for the browser tests when the build has no `serve --demo`: two basins, four sections
// (three where Hebei is upstream of Beijing, one where Beijing is upstream of Hebei) and a year of
// readings, all through the public API as an operator would enter them. The values are
// illustrative, not measurements.

const YEAR = 2025;
const DAYS = [5, 15, 25];

const JURISDICTIONS = [
  { code: "BJ", name: "北京市" },
  { code: "HE", name: "河北省" },
  { code: "HE-CD", name: "承德市", parent: "HE" },
  { code: "HE-ZJK", name: "张家口市", parent: "HE" },
  { code: "HE-LF", name: "廊坊市", parent: "HE" },
];

const BASINS = [
  { code: "chaobai", name: "潮白河" },
  { code: "yongding", name: "永定河" },
];

// `quality` scales the pollutant levels: 1 is clean water, 3 is poor.
export const SECTIONS = [
  { code: "gubeikou", name: "古北口", basin: "chaobai", river: "潮河", target_class: "II", upstream: "HE-CD", downstream: "BJ", latitude: "40.6921", longitude: "117.1547", quality: 1 },
  { code: "baihebao", name: "白河堡", basin: "chaobai", river: "白河", target_class: "II", upstream: "HE-ZJK", downstream: "BJ", latitude: "40.6180", longitude: "116.1650", quality: 1.6 },
  { code: "bahaoqiao", name: "八号桥", basin: "yongding", river: "永定河", target_class: "III", upstream: "HE-ZJK", downstream: "BJ", latitude: "40.3290", longitude: "115.7910", quality: 2.2 },
  { code: "gu-an", name: "固安", basin: "yongding", river: "永定河", target_class: "IV", upstream: "BJ", downstream: "HE-LF", latitude: "39.4380", longitude: "116.2990", quality: 4 },
];

function decimal(value, places) {
  return value.toFixed(places);
}

/** Deterministic seasonal values: warmer months carry more nutrients and less oxygen. */
function values(section, month, day) {
  const summer = Math.sin(((month - 3) / 12) * 2 * Math.PI); // -1 in winter .. 1 in July
  const wobble = ((month * 7 + day * 3 + section.code.length) % 10) / 10 - 0.45;
  const q = section.quality;
  return {
    ph: decimal(7.8 + wobble * 0.3, 2),
    do: decimal(Math.max(2.5, 10.2 - 2.1 * summer - q * 1.1 + wobble), 2),
    codmn: decimal(1.2 + q * 1.3 + summer * 0.8 * q + wobble * 0.4, 1),
    nh3n: decimal(Math.max(0.03, 0.08 * q * q + summer * 0.05 * q + wobble * 0.04), 2),
    tp: decimal(Math.max(0.005, 0.012 * q * q + summer * 0.01 * q + wobble * 0.006), 3),
    tn: decimal(Math.max(0.3, 1.2 + q * 0.9 + summer * 0.4 + wobble * 0.3), 2),
  };
}

async function post(baseUrl, token, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function seed(baseUrl, adminToken) {
  for (const jurisdiction of JURISDICTIONS) await post(baseUrl, adminToken, "/v1/jurisdictions", jurisdiction);
  for (const basin of BASINS) await post(baseUrl, adminToken, "/v1/basins", basin);
  for (const { quality, ...section } of SECTIONS) {
    await post(baseUrl, adminToken, "/v1/sections", { ...section, water_body: "river" });
    const station = `${section.code}-auto`;
    await post(baseUrl, adminToken, "/v1/stations", { code: station, name: `${section.name}自动站`, section: section.code });
    const readings = [];
    for (let month = 1; month <= 12; month += 1) {
      for (const day of DAYS) {
        const sampledAt = `${YEAR}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T08:00:00+08:00`;
        readings.push({ section: section.code, sampled_at: sampledAt, values: values({ ...section, quality }, month, day) });
      }
    }
    await post(baseUrl, adminToken, "/v1/readings", { batch_id: `${station}-${YEAR}`, station, readings });
  }
  return { year: YEAR, sections: SECTIONS.map((section) => section.code) };
}
