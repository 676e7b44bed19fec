// Writes the SheetJS and exceljs files of the upload corpus from the reference rows (see ../README.md).
//   node variants.js versions
//   TZ=UTC node variants.js utc reference.json OUTDIR
//   TZ=Asia/Tokyo node variants.js tokyo reference.json OUTDIR
"use strict";

const fs = require("fs");
const path = require("path");
const XLSX = require("xlsx");
const ExcelJS = require("exceljs");

const [mode, referencePath, outDir] = process.argv.slice(2);

if (mode === "versions") {
  console.log(JSON.stringify({
    node: process.versions.node,
    sheetjs: XLSX.version,
    exceljs: require("exceljs/package.json").version,
  }));
  process.exit(0);
}

const ref = JSON.parse(fs.readFileSync(referencePath, "utf8"));
const { rows, measures } = ref;
const out = (name) => path.join(outDir, name);

function parts(text, sep) {
  return text.split(sep).map(Number);
}

// Dates as the UTC midnight of the day: what new Date("2026-10-01") gives.
const utcDate = (iso) => { const [y, m, d] = parts(iso, "-"); return new Date(Date.UTC(y, m - 1, d)); };
const utcTime = (hhmm) => { const [h, mi] = parts(hhmm, ":"); return new Date(Date.UTC(1899, 11, 30, h, mi)); };
// Dates as a person's local wall clock: what new Date(2026, 9, 1) gives.
const localDate = (iso) => { const [y, m, d] = parts(iso, "-"); return new Date(y, m - 1, d); };
const localTime = (hhmm) => { const [h, mi] = parts(hhmm, ":"); return new Date(1899, 11, 30, h, mi); };

function aoa(headers, dateOf, timeOf, channels = {}) {
  return [headers, ...rows.map((r) => [
    dateOf(r.date), r.interval ? timeOf(r.interval) : null, channels[r.channel] || r.channel, r.queue,
    ...measures.map((m) => r[m]),
  ])];
}

function book(ws, name = "data") {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, name);
  return wb;
}

function timeFormats(ws) {
  for (let n = 1; n <= rows.length; n += 1) {
    const cell = ws[XLSX.utils.encode_cell({ r: n, c: 1 })];
    if (cell) { cell.z = "hh:mm"; delete cell.w; }
  }
}

function sheetjsUtc() {
  const dated = XLSX.utils.aoa_to_sheet(aoa(ref.headers_en, utcDate, utcTime));
  timeFormats(dated);
  XLSX.writeFile(book(dated), out("sheetjs_aoa_date_cells.xlsx"));

  const iso = XLSX.utils.aoa_to_sheet(aoa(ref.headers_en, utcDate, utcTime), { cellDates: true });
  XLSX.writeFile(book(iso), out("sheetjs_celldates_iso.xlsx"), { cellDates: true, compression: true });

  const objects = rows.map((r) => Object.fromEntries(ref.columns.map((c) => [c, r[c] == null ? "" : String(r[c])])));
  const strings = XLSX.utils.json_to_sheet(objects, { header: ref.columns });
  XLSX.writeFile(book(strings), out("sheetjs_json_strings_sst.xlsx"), { bookSST: true, compression: true });

  fs.writeFileSync(out("sheetjs_sheet_to_csv.csv"), XLSX.utils.sheet_to_csv(dated));

  const formulas = XLSX.utils.aoa_to_sheet(aoa(ref.headers_en, utcDate, utcTime));
  timeFormats(formulas);
  const abandoned = ref.columns.indexOf("abandoned");
  for (let n = 1; n <= rows.length; n += 1) {
    if (rows[n - 1].channel === "phone") {
      formulas[XLSX.utils.encode_cell({ r: n, c: abandoned })] = { t: "n", f: `E${n + 1}-F${n + 1}` };
    }
  }
  XLSX.writeFile(book(formulas), out("sheetjs_formulas_without_values.xlsx"), { compression: true });
}

function exceljsSheet(wb, headers, { channels = {}, dateFormat = "yyyy-mm-dd", formulas = false, local = false } = {}) {
  const ws = wb.addWorksheet("data");
  ws.columns = ref.columns.map((key, i) => ({
    header: headers[i], key, width: i < 4 ? 12 : 16,
    style: i === 0 ? { numFmt: dateFormat } : i === 1 ? { numFmt: "hh:mm" } : {},
  }));
  rows.forEach((r, index) => {
    const [dateOf, timeOf] = local ? [localDate, localTime] : [utcDate, utcTime];
    const values = { ...r, date: dateOf(r.date), interval: r.interval ? timeOf(r.interval) : null,
      channel: channels[r.channel] || r.channel };
    if (formulas && r.channel === "phone") {
      values.abandoned = { formula: `E${index + 2}-F${index + 2}`, result: r.abandoned };
    }
    ws.addRow(values);
  });
  ws.getRow(1).font = { bold: true };
  return ws;
}

async function exceljsAll() {
  let wb = new ExcelJS.Workbook();
  exceljsSheet(wb, ref.headers_en);
  await wb.xlsx.writeFile(out("exceljs_typed_cells.xlsx"));

  wb = new ExcelJS.Workbook();
  exceljsSheet(wb, ref.headers_en, { formulas: true });
  await wb.xlsx.writeFile(out("exceljs_formulas_with_results.xlsx"));

  wb = new ExcelJS.Workbook();
  const ws = exceljsSheet(wb, ref.headers_ja, { channels: ref.channels_ja, dateFormat: "yyyy/m/d" });
  ws.getRow(1).eachCell((cell) => {
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFCE4D6" } };
    cell.border = { top: { style: "thin" }, bottom: { style: "thin" }, left: { style: "thin" },
      right: { style: "thin" } };
  });
  ws.views = [{ state: "frozen", ySplit: 1 }];
  await wb.xlsx.writeFile(out("exceljs_ja_styled.xlsx"));

  wb = new ExcelJS.Workbook();
  exceljsSheet(wb, ref.headers_en);
  await wb.csv.writeFile(out("exceljs_csv_writer.csv"));
}

(async () => {
  if (mode === "utc") {
    sheetjsUtc();
    await exceljsAll();
  } else if (mode === "tokyo") {
    const wb = new ExcelJS.Workbook();
    exceljsSheet(wb, ref.headers_en, { local: true });
    await wb.xlsx.writeFile(out("exceljs_tz_tokyo_local_dates.xlsx"));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
})().catch((error) => { console.error(error); process.exit(1); });
