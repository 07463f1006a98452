// Money is integer fen. Formatting to 元 is done on the decimal digits as text, never with
// floating point: 10000000000 fen is exactly "100,000,000.00".

/** "1,234,567.89" for 123456789 fen; negative amounts keep their sign. */
export function formatFen(fen) {
  let digits;
  if (typeof fen === "bigint") digits = fen.toString();
  else if (typeof fen === "number" && Number.isSafeInteger(fen)) digits = String(fen);
  else if (typeof fen === "string" && /^-?[0-9]+$/.test(fen)) digits = fen;
  else return "—";
  const negative = digits.startsWith("-");
  if (negative) digits = digits.slice(1);
  digits = digits.replace(/^0+(?=[0-9])/, "").padStart(3, "0");
  const yuan = digits.slice(0, -2);
  const fraction = digits.slice(-2);
  const grouped = yuan.replace(/\B(?=([0-9]{3})+$)/g, ",");
  const sign = negative && /[1-9]/.test(digits) ? "-" : "";
  return `${sign}${grouped}.${fraction}`;
}

/** The amount with its unit in the page's language: "1,234.56 元" or "CNY 1,234.56". */
export function formatYuan(fen, language) {
  const amount = formatFen(fen);
  if (amount === "—") return amount;
  return language === "zh" ? `${amount} 元` : `CNY ${amount}`;
}
